"""A multipart mail split at its boundary lines is the message the standard parser makes of it: the same headers,
defects, preamble, epilogue and parts, written back the same, whatever the line endings, the spaces after a
boundary, missing or doubled boundaries, nested parts or attached files; and the fast path is really taken."""

from __future__ import annotations

import base64
import email
import os
from email import policy
from email.message import EmailMessage

from hypothesis import given
from hypothesis import strategies as st

from hub.channels.email.parse import parse_mail
from hub.channels.email.single_part import decoded_body, read_message
from tests.channels.email.test_mail_reading import BOUNDED, shape, written

EOL = st.sampled_from([b"\r\n", b"\n", b"\r"])
PART_HEADERS = st.sampled_from([
    *[b"Content-Type: text/plain", b"Content-Transfer-Encoding: base64", b"Content-Type: image/png"] * 3,
    b"Content-Type: text/plain; charset=utf-8", b"Content-Type: text/html", b"Content-Transfer-Encoding: base64",
    b"Content-Type: application/pdf; name=a.pdf", b"Content-Disposition: attachment; filename=\"b.txt\"",
    b"Content-Transfer-Encoding: quoted-printable", b"Content-Type: message/rfc822", b"Content-ID: <x@y>",
    b"Content-Type: multipart/alternative; boundary=inner", b"not a header", b" folded", b"Subject: \xb6\xa9",
])  # fmt: skip
BODY_LINES = st.sampled_from([
    *[b"hello", b"5L2g5aW9", b"=E4=BD=A0=", b"\xe4\xbd\xa0\xe5\xa5\xbd"] * 4,
    b"5L2g5aW", b"5L2g*5aW9", b"5L2g5aW9=",  # base64 short of padding, with a stray character, padded wrong
    b"hello", b"5L2g5aW9", b"=E4=BD=A0=", b"", b"--b", b"--b--", b"--b  ", b"x--b", b"--bb", b"--inner",
    b"--inner--", b"\xe4\xbd\xa0\xe5\xa5\xbd", b"From someone", b"  ", b".", b"--b\t",
])  # fmt: skip


@st.composite
def lines(draw: st.DrawFn, items: st.SearchStrategy[bytes], most: int) -> bytes:
    return b"".join(line + draw(EOL) for line in draw(st.lists(items, max_size=most)))


@st.composite
def multipart_mails(draw: st.DrawFn) -> bytes:
    """Mostly well-formed multipart mail with the variations mail in the wild has, sometimes broken."""
    eol = draw(EOL)
    # Weighted towards the plain shape the splitter takes, so both it and the way back are tried often.
    container = draw(st.sampled_from([b"multipart/mixed"] * 12 + [b"multipart/alternative", b"multipart/digest",
                                      b"multipart/related", b"text/plain"]))  # fmt: skip
    params = draw(
        st.sampled_from([b"; boundary=b"] * 12 + [b'; boundary="b"', b"", b"; boundary=", b"; boundary=b; x=y"])
    )
    raw = b"From: a@example.com" + eol + b"Content-Type: " + container + params + eol
    if draw(st.integers(0, 5)) == 0:
        raw += b"Content-Transfer-Encoding: " + draw(st.sampled_from([b"7bit", b"base64", b"8bit"])) + eol
    raw += eol + draw(lines(BODY_LINES, 3))  # the preamble
    for _ in range(draw(st.integers(0, 4))):
        raw += b"--b" + draw(st.sampled_from([b""] * 15 + [b" ", b"\t ", b"x"])) + draw(EOL)
        raw += draw(lines(PART_HEADERS, 3)) + draw(st.sampled_from([eol, eol, eol, b""]))
        if draw(st.integers(0, 3)) == 0:  # a nested multipart
            raw += b"--inner" + eol + b"Content-Type: text/plain" + eol + eol + b"in" + eol
            raw += draw(st.sampled_from([b"--inner--", b"--inner", b""])) + eol + draw(lines(BODY_LINES, 2))
        raw += draw(lines(BODY_LINES, 5))
    raw += draw(st.sampled_from([b"--b--"] * 15 + [b"--b-- ", b"", b"--b--x", b"--b"])) + draw(
        st.sampled_from([eol, b""])
    )
    return raw + draw(lines(BODY_LINES, 3))  # the epilogue


def standard(raw: bytes) -> EmailMessage:
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


@BOUNDED
@given(raw=multipart_mails())
def test_a_multipart_mail_reads_as_the_standard_parser_reads_it(raw: bytes) -> None:
    assert written(read_message(raw)[0]) == written(standard(raw))
    ours, theirs = read_message(raw)[0], standard(raw)
    assert shape(ours) == shape(theirs)
    assert (ours.preamble, ours.epilogue) == (theirs.preamble, theirs.epilogue)
    for mine, its in zip(ours.walk(), theirs.walk(), strict=True):
        assert (mine.preamble, mine.epilogue) == (its.preamble, its.epilogue)
        if not its.is_multipart():  # decoded from the bytes as received, defects noted the same
            assert decoded_body(mine) == its.get_payload(decode=True)
            assert [type(d) for d in mine.defects] == [type(d) for d in its.defects]
            assert mine.get_payload(decode=True) == its.get_payload(decode=True)


def mail_with_files() -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Li Na <li.na@example.cn>", "support@hub.test", "发票和照片"
    msg.set_content("您好，附件是发票。\n" * 50)
    msg.add_alternative("<p>您好，附件是<b>发票</b>。</p>" * 50, subtype="html")
    msg.add_attachment(os.urandom(1_500_000), maintype="application", subtype="pdf", filename="发票.pdf")
    msg.add_attachment(os.urandom(200_000), maintype="image", subtype="png", filename="a.png")
    return msg.as_bytes()


def test_a_mail_with_files_is_split_and_parsed_as_before() -> None:
    raw = mail_with_files()
    ours = read_message(raw)[0]
    # Taken apart here: the files' bodies are still the bytes received, not the parser's text.
    assert [type(p).__name__ for p in ours.walk()][-2:] == ["_BodyAsReceived"] * 2
    assert written(ours) == written(standard(raw)) and shape(ours) == shape(standard(raw))
    mail = parse_mail(raw)
    assert [(p.filename, p.content_type, len(p.data)) for p in mail.parts] == [
        ("发票.pdf", "application/pdf", 1_500_000), ("a.png", "image/png", 200_000)]  # fmt: skip
    assert mail.text.startswith("您好，附件是发票。") and mail.html is not None and "<b>发票</b>" in mail.html
    attached = [p.get_payload(decode=True) for p in standard(raw).walk() if p.get_filename()]
    assert [p.data for p in mail.parts] == attached


def test_a_boundary_inside_a_line_or_base64_is_not_one() -> None:
    data = base64.encodebytes(b"--b\r\n" * 100)
    raw = (b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           + data.replace(b"\n", b"\r\n") + b"text --b\r\n--b--\r\n")  # fmt: skip
    ours = read_message(raw)[0]
    assert written(ours) == written(standard(raw)) and shape(ours) == shape(standard(raw))
    assert [type(p).__name__ for p in ours.walk()] == ["EmailMessage", "_BodyAsReceived"]
