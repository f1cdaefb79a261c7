"""The shortcuts in reading a mail give what the standard parser and a whole decode give: a single-part mail's
headers read alone, header objects made once, a large text part decoded from its first bytes, and the quote
and forward patterns skipped over a text that lacks the words they need."""

from __future__ import annotations

import email
import hashlib
from email import feedparser, policy
from email.message import Message
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.channels.email import forwards, quotes
from hub.channels.email.charsets import decode_bytes
from hub.channels.email.line_ends import LastLineEnding
from hub.channels.email.mime_policy import CACHED_VALUE_CHARS, READING
from hub.channels.email.parse import MAX_TEXT_CHARS, TEXT_BYTES, parse_mail
from hub.channels.email.parser_pool import PROCESS_FROM_BYTES, MailParser, parse_detached
from hub.channels.email.raw import RawMailStore
from hub.channels.email.single_part import decoded_body, read_message

CORPUS = Path(__file__).parent / "fixtures"
BOUNDED = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
ENDINGS = st.sampled_from([b"\r\n", b"\n", b"\r"])
HEADER_LINES = st.sampled_from([
    b"From: Li Na <li.na@example.cn>", b"Subject: =?gb2312?B?xOO6ww==?=", b"To: a@example.com,", b" b@example.com",
    b"\tfolded", b"Content-Type: text/plain; charset=gbk", b"Content-Type: text/html", b"Content-Type: image/png",
    b"Content-Type: multipart/mixed; boundary=b", b"Content-Type: message/rfc822", b"Content-Type: multipart/x",
    b"Content-Type: message/delivery-status", b"Content-Transfer-Encoding: base64", b"X-Weird:",
    b"Content-Transfer-Encoding: quoted-printable", b"Content-Transfer-Encoding: 8bit", b"not a header line",
    b"From someone Tue Dec  1 10:00:00 2026", b"Subject: \xb6\xa9\xb5\xa5", b"", b":", b"Content-Type: text/plain;",
])  # fmt: skip
BODIES = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n", b"5L2g5aW9\r\n", b"=E4=BD=A0=\r\n",
                     b"From: x@example.com\r\n\r\ninner\r\n", b"\r\n\r\n", b"\r", b"\n.\n"]),
)  # fmt: skip


@st.composite
def raw_mails(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(HEADER_LINES, max_size=8))
    raw = b"".join(line + draw(ENDINGS) for line in lines)
    return raw + draw(st.sampled_from([b"", b"\r\n", b"\n", b"\r"])) + draw(BODIES)


def shape(msg: Message) -> object:
    """What a reader of the message can see: headers as parsed (or the error parsing one raises), defects, and
    the payload, recursively."""
    headers: list[object] = []
    for name, value in msg.raw_items():
        try:
            header = msg.policy.header_fetch_parse(name, value)
        except Exception as exc:  # the standard parser raises on some broken values: ours must raise the same
            headers.append((name, value, type(exc)))
            continue
        headers.append((name, str(header), type(header).__mro__[1], [type(d) for d in getattr(header, "defects", ())]))
    payload = msg.get_payload()
    inner = [shape(p) if isinstance(p, Message) else p for p in payload] if isinstance(payload, list) else payload
    return headers, [type(d) for d in msg.defects], inner


def written(msg: Message) -> object:
    """The message as the standard generator writes it, or the error it raises doing so."""
    try:
        return msg.as_bytes()
    except Exception as exc:
        return type(exc)


@BOUNDED
@given(raw=st.one_of(raw_mails(), st.binary(max_size=400)))
def test_a_mail_reads_as_the_standard_parser_reads_it(raw: bytes) -> None:
    # Written back out first, while a single-part body is still as received (the generator reads it directly).
    assert written(read_message(raw)[0]) == written(email.message_from_bytes(raw, policy=policy.default))
    msg, body = read_message(raw)
    assert shape(msg) == shape(email.message_from_bytes(raw, policy=policy.default))
    if body is not None:  # taken as single-part: the body as received, and decoded as the parser decodes it
        assert not msg.is_multipart() and msg.get_content_maintype() not in ("multipart", "message")
        assert decoded_body(msg, body) == msg.get_payload(decode=True)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.eml")), ids=lambda p: p.name)
def test_every_fixture_reads_as_the_standard_parser_reads_it(path: Path) -> None:
    raw = path.read_bytes()
    assert written(read_message(raw)[0]) == written(email.message_from_bytes(raw, policy=policy.default))
    assert shape(read_message(raw)[0]) == shape(email.message_from_bytes(raw, policy=policy.default))


def test_a_single_part_mail_skips_the_parser_for_its_body() -> None:
    raw = b"From: a@example.com\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + "订单\r\n".encode() * 1000
    body = read_message(raw)[1]
    assert body == "订单\r\n".encode() * 1000
    # Parsed through: the message's body was never turned into the parser's text (nothing read it).
    message = parse_mail(raw).message
    assert message is not None and message.__dict__.get("_received") == body
    assert message.get_payload(decode=True) == body and "_received" not in message.__dict__
    # Headers that end without a blank line, or a multipart mail: the whole parser.
    assert read_message(b"From: a@example.com\r\nSubject: x\r\n")[1] is None
    assert read_message(b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n")[1] is None


def test_header_objects_are_the_standard_ones_made_once() -> None:
    values = [("Content-Type", "text/plain; charset=gb2312"), ("From", '"Li Na" <li.na@example.cn>'),
              ("Date", "Tue, 99 Foo 2026 25:61:00 +9999"), ("Subject", "=?utf-8?b?5L2g5aW9?="), ("To", "x:;"),
              ("Content-Disposition", "attachment; filename*=utf-8''%E4%BD%A0.txt")]  # fmt: skip
    for name, value in values:
        ours, theirs = READING.header_factory(name, value), policy.default.header_factory(name, value)
        assert (str(ours), ours.name, type(ours).__mro__[1], [type(d) for d in ours.defects]) == (
            str(theirs),
            theirs.name,
            type(theirs).__mro__[1],
            [type(d) for d in theirs.defects],
        )
        assert READING.header_factory(name, value) is ours  # asked again (get_content_type, say): the same one
    long = "<" + "a" * CACHED_VALUE_CHARS + "@example.com>"
    assert READING.header_factory("References", long) is not READING.header_factory("References", long)


@pytest.mark.parametrize(
    ("codec", "line"),
    [("utf-8", "您好，我的订单 8812 有问题。Café ©\r\n"), ("gb18030", "您好，我的订单 8812 有问题。Café ©\r\n"),
     ("big5hkscs", "您好，我的訂單 8812 有問題。\r\n")],
)  # fmt: skip
def test_the_first_bytes_of_a_large_text_decode_as_the_whole_does(codec: str, line: str) -> None:
    text = line * 40
    data = text.encode(codec)
    whole, note = decode_bytes(data, codec)
    assert note is None
    for limit in range(len(data) - 40, len(data)):  # cut at every byte of the last characters
        head, head_note = decode_bytes(data, codec, limit=limit)
        assert head_note is None and whole.startswith(head) and len(head) >= len(whole) - 40
    # Mislabelled UTF-8 is still recognised from the first bytes, a character cut at their end or not.
    for limit in (900, 901, 902):
        head = text.encode("utf-8")[:limit].decode("utf-8", "ignore")
        assert decode_bytes(text.encode("utf-8"), "gb2312", limit=limit)[0] == head


@pytest.mark.parametrize("codec", ["utf-8", "gbk"])
def test_a_text_over_the_bytes_read_is_cut_as_the_whole_text_would_be(codec: str) -> None:
    line = "您好，我的订单有问题。Please help with my order 8812.\r\n"
    body = (line * (TEXT_BYTES // len(line.encode(codec)) + 500)).encode(codec)
    assert len(body) > TEXT_BYTES
    raw = f"From: a@example.com\r\nContent-Type: text/plain; charset={codec}\r\n\r\n".encode() + body
    mail = parse_mail(raw)
    whole = body.decode("gb18030" if codec == "gbk" else codec).strip().replace("\r\n", "\n")
    assert (mail.text, mail.quoted) == (whole[:MAX_TEXT_CHARS].strip(), "")
    assert f"text cut at {MAX_TEXT_CHARS} characters (the raw mail keeps all of it)" in mail.warnings


FRAGMENTS = st.sampled_from([
    "On Tue, 1 Dec 2026, Li Na wrote:", "在 2026年12月1日，李娜 写道：", "-----Original Message-----", "-- ",
    "--- 原始邮件 ---", "From: Li Na\nSent: Tuesday", "发件人：李娜\n发送时间：2026", "_" * 24, "wrote", "From",
    "---------- Forwarded message ---------", "Begin forwarded message:", "开始转发的邮件：", "以下是转发的邮件",
    "-------- 转发的消息 --------", "> earlier words", "\n", " ", "您好，订单 8812", "ſ", "İ", "ı",
])  # fmt: skip
TEXTS = st.lists(
    st.one_of(FRAGMENTS, FRAGMENTS.map(str.upper), FRAGMENTS.map(str.swapcase), st.text(max_size=12)), max_size=12
).map(lambda parts: "\n".join(parts))


@BOUNDED
@given(text=TEXTS)
def test_a_text_skipped_by_the_quote_and_forward_checks_has_nothing_they_look_for(text: str) -> None:
    for marker, needs in quotes._MARKERS:
        assert marker.search(text) is None or any(word in text.lower() for word in needs)
    assert forwards._FORWARD_ONLY.search(text) is None or forwards._may_forward(text)


async def test_a_big_mail_is_parsed_from_its_raw_copy_and_from_its_bytes_when_the_copy_is_gone(tmp_path: Path) -> None:
    store = RawMailStore(tmp_path, retention_days=30)
    raw = b"From: a@example.com\r\nSubject: big\r\n\r\n" + "订单问题\r\n".encode() * (PROCESS_FROM_BYTES // 10)
    key = await store.put(raw)
    assert store.digest(key) == hashlib.sha256(raw).hexdigest()
    parser = MailParser()
    try:
        expected = parse_detached(raw)
        assert await parser.parse(raw, None, store.digest(key), store.path(key)) == expected
        # The worker reads the file it is named: another mail's copy would give that mail.
        other = await store.put(raw.replace(b"Subject: big", b"Subject: other"))
        assert (await parser.parse(raw, None, None, store.path(other)))[0].subject == "other"
        assert await store.delete(key)  # erased meanwhile: the bytes go to the worker instead
        assert await parser.parse(raw, None, store.digest(key), store.path(key)) == expected
    finally:
        parser.stop()


@BOUNDED
@given(text=st.text(st.sampled_from("\r\na 订"), max_size=40))
def test_the_last_line_ending_is_found_as_the_parser_s_own_pattern_finds_it(text: str) -> None:
    installed = vars(feedparser)["NLCRE_eol"]
    assert isinstance(installed, LastLineEnding)  # installed by the modules every mail goes through
    ours, theirs = installed.search(text), installed.pattern.search(text)
    assert (ours and ours.group(0)) == (theirs and theirs.group(0))
