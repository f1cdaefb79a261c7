"""Property tests for the parsers of what strangers send (mail, WeChat XML, Twilio forms, chat payloads, CSV):
whatever arrives, each answers with its result or its documented refusal, never another exception.

Bounded and derandomized (the same examples on every run), with no timing assertions."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from hub.channels.base import InboundRejected
from hub.channels.email.loops import automatic
from hub.channels.email.parse import parse_mail
from hub.channels.twilio.sms import SmsChannel, SmsForm, describe_error, keyword, sender_of
from hub.channels.webchat.channel import VisitorMessage, WebchatChannel, visitor_key
from hub.channels.webchat.identity import read_claim
from hub.channels.wechat.channel import kind_of
from hub.channels.wechat.channel import sender_of as wechat_sender
from hub.channels.wechat.crypto import signature
from hub.channels.wechat.push import SignedPush, open_push
from hub.channels.wechat.xml import parse_flat
from hub.customers.csv_read import ImportRefused, read_rows, read_table
from hub.customers.import_rows import Context, amount, order_date, read_row
from tests.twilio_kit import config
from tests.wechat_kit import MAIN

T = TypeVar("T")
E = TypeVar("E", bound=Exception)


def attempt(call: Callable[[], T], refusal: type[E]) -> T | E:
    """What the parser answers: its result, or its documented refusal; any other exception fails the test."""
    try:
        return call()
    except refusal as exc:
        return exc


BOUNDED = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])  # fmt: skip

# Text as strangers write it: any code point but lone surrogates (which no transport delivers as text).
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=200)
SHORT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
# What a JSON document can hold: the shape of a socket event's payload.
JSON: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(SHORT, inner, max_size=4),
    max_leaves=12,
)

# --- mail ---------------------------------------------------------------------------------------------------

HEADER_NAMES = st.sampled_from(["From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To",
                                "References", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
                                "Auto-Submitted", "Return-Path", "X-Weird"])  # fmt: skip
HEADER_VALUES = st.one_of(
    SHORT,
    st.sampled_from(["=?utf-8?b?5L2g5aW9?=", "=?gb2312?B?xOO6ww==?=", "=?x-unknown?q?=FF?=", "=?utf-8?q?bad",
                     "multipart/mixed; boundary=\"b\"", "text/plain; charset=gb18030", "text/html; charset=nope",
                     "base64", "quoted-printable", "attachment; filename*=utf-8''%E4%BD%A0.txt", "<a@b>",
                     "Tue, 99 Foo 2026 25:61:00 +9999", "\"Li Na\" <li.na@example.cn>", "undisclosed:;", "<>"]),
)  # fmt: skip
PART_BODIES = st.one_of(
    st.binary(max_size=300),
    TEXT.map(lambda t: t.encode("utf-8")),
    st.sampled_from([b"--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n", b"--b\r\n\r\n", b"=E4=BD=A0=",
                     b"5L2g5aW9\r\n!!!", b"--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: x\r\n\r\nbody\r\n--b--"]),
)  # fmt: skip


@st.composite
def mails(draw: st.DrawFn) -> bytes:
    headers = draw(st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=10))
    lines = [f"{name}: {value}".encode("utf-8", "replace") for name, value in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + draw(PART_BODIES)


@BOUNDED
@given(raw=st.one_of(st.binary(max_size=500), mails()), envelope=st.none() | st.just("") | SHORT)
def test_any_mail_parses_to_a_mail(raw: bytes, envelope: str | None) -> None:
    mail = parse_mail(raw, envelope)
    assert isinstance(mail.text, str) and isinstance(mail.warnings, list | tuple)
    mail.text.encode("utf-8")  # stored as text: no lone surrogates from a bad charset
    automatic(mail)


# --- WeChat -------------------------------------------------------------------------------------------------

TAGS = st.sampled_from(["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "Event",
                        "EventKey", "MediaId", "Encrypt", "xml", "a"])  # fmt: skip


@st.composite
def pushes(draw: st.DrawFn) -> bytes:
    fields = draw(st.lists(st.tuples(TAGS, TEXT), max_size=6))
    inner = "".join(f"<{tag}><![CDATA[{value.replace(']]>', '')}]]></{tag}>" for tag, value in fields)
    root = draw(st.sampled_from(["xml", "xml", "html", "x"]))
    wrapped = f"<{root}>{inner}</{root}>"
    noise = draw(st.sampled_from(["", "<!DOCTYPE x [<!ENTITY e 'x'>]>", "<?xml version='1.0'?>", "<", "&e;"]))
    return (noise + wrapped).encode("utf-8", "replace")


@BOUNDED
@given(body=st.one_of(st.binary(max_size=400), pushes()))
def test_any_wechat_body_is_fields_or_refused(body: bytes) -> None:
    fields = attempt(lambda: parse_flat(body), InboundRejected)
    if isinstance(fields, InboundRejected):
        assert fields.code == "bad_xml"
        return
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items())
    attempt(lambda: kind_of(fields), InboundRejected)
    attempt(lambda: wechat_sender(MAIN, fields), InboundRejected)


@BOUNDED
@given(
    body=pushes(),
    query=st.dictionaries(st.sampled_from(["timestamp", "nonce", "signature", "msg_signature", "encrypt_type"]),
                          SHORT, max_size=5),
    sign=st.booleans(),
)  # fmt: skip
def test_any_signed_or_forged_push_opens_or_is_refused(body: bytes, query: dict[str, str], sign: bool) -> None:
    now = datetime.now(UTC)
    if sign:  # a genuine signature over whatever else came: the rest must still be screened
        query = {**query, "timestamp": query.get("timestamp", str(int(time.time()))), "nonce": "n"}
        query["signature"] = signature(MAIN.token, query["timestamp"], query["nonce"])
        query.pop("encrypt_type", None)
    fields = attempt(lambda: open_push(SignedPush(MAIN, query, body, now), timedelta(minutes=5)), InboundRejected)
    assert isinstance(fields, InboundRejected) or fields.get("FromUserName")


# --- Twilio -------------------------------------------------------------------------------------------------

FORM_KEYS = st.sampled_from(["MessageSid", "SmsMessageSid", "From", "To", "Body", "NumMedia", "MediaUrl0",
                             "MediaContentType0", "NumSegments", "FromCountry", "FromCity", "ProfileName"])  # fmt: skip
FORM_VALUES = st.one_of(SHORT, st.sampled_from(["+8613800138000", "+1 (415) 555-0100", "12345", "-1", "99999999",
                                               "1e3", "https://api.twilio.com/x", "STOP", "帮助", ""]))  # fmt: skip
FORMS = st.dictionaries(FORM_KEYS, FORM_VALUES, max_size=10)
SMS = SmsChannel(config("http://127.0.0.1:9", "127.0.0.1"), None)


@BOUNDED
@given(fields=FORMS)
def test_any_sms_form_is_an_envelope_or_refused(fields: dict[str, str]) -> None:
    envelope = attempt(lambda: SMS.parse_inbound(SmsForm(fields, None)), InboundRejected)
    if isinstance(envelope, InboundRejected):
        assert envelope.code == "bad_request"
    else:
        assert envelope.external_id and envelope.sender.value
    attempt(lambda: sender_of(fields), InboundRejected)
    keyword(fields.get("Body", ""))
    assert isinstance(describe_error(fields.get("NumMedia")), str)


@BOUNDED
@given(params=st.dictionaries(SHORT, TEXT, max_size=6), path=st.from_regex(r"\A[\w%.~-]{0,30}\Z"), forged=SHORT)
def test_twilio_signatures_hold_for_any_form(params: dict[str, str], path: str, forged: str) -> None:
    validator = RequestValidator("auth-token")
    url = "https://hub.example/webhooks/twilio/sms?x=" + path
    genuine = validator.compute_signature(url, params)
    assert validator.validate(url, params, genuine)
    assert validator.validate(url, params, forged) is (forged == genuine)


# --- web chat -----------------------------------------------------------------------------------------------

CHAT = WebchatChannel(cast(Any, None), 2000, {"shop": "widget-secret"})  # parsing never touches the socket server


@BOUNDED
@given(payload=st.one_of(JSON, st.fixed_dictionaries({"text": TEXT}, optional={"client_id": JSON})))
def test_any_chat_payload_is_an_envelope_or_refused(payload: Any) -> None:
    envelope = attempt(lambda: CHAT.parse_inbound(VisitorMessage(visitor_key("tok"), payload)), InboundRejected)
    if isinstance(envelope, InboundRejected):
        assert envelope.code in ("bad_request", "too_large", "empty")
    else:
        assert envelope.text.strip()


@BOUNDED
@given(auth=st.dictionaries(st.sampled_from(["name", "email", "identifier", "identifier_hash", "user_hash",
                                              "widget", "token"]), JSON, max_size=6))  # fmt: skip
def test_any_chat_identity_claim_is_read_or_ignored(auth: dict[str, Any]) -> None:
    claim = read_claim(auth, {"shop": "widget-secret"})
    assert claim is None or not claim.verified or auth.get("widget") == "shop"


# --- CSV imports --------------------------------------------------------------------------------------------

COLUMNS = st.sampled_from(["name", "email", "phone", "tier", "annual_margin", "wechat_openid", "wechat_account",
                           "extension", "country", "姓名", "手机", "E-mail Address", "amount", "date"])  # fmt: skip
CELLS = st.one_of(SHORT, st.sampled_from(["+86 138 0013 8000", "a@b.cn", "1.234,50", "2026-02-30", "03/04/2026",
                                         "gold", "=cmd|' /C calc'!A0", '"', "\x00", "-1e309"]))  # fmt: skip


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    header = draw(st.lists(COLUMNS, min_size=1, max_size=6))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    rows = draw(st.lists(st.lists(CELLS, max_size=len(header) + 1), max_size=5))
    text = "\n".join(delimiter.join(line) for line in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gbk", "big5", "cp1252"]))
    return text.encode(encoding, "replace")


@BOUNDED
@given(data=st.one_of(st.binary(max_size=400), csv_files()))
def test_any_csv_file_is_rows_or_refused(data: bytes) -> None:
    rows = attempt(lambda: read_rows(read_table(data), {"name"}, {"email", "phone"}), ImportRefused)
    if isinstance(rows, ImportRefused):
        assert str(rows)
        return
    context = Context(tiers=("gold", "general"), default_region="CN", wechat_accounts={"main": MAIN.appid})
    for line, values in rows:
        read_row(line, {k: [v] for k, v in values.items()}, context)


@BOUNDED
@given(cell=CELLS, comma=st.booleans())
def test_amounts_and_dates_are_values_or_value_errors(cell: str, comma: bool) -> None:
    attempt(lambda: amount(cell, comma), ValueError)
    attempt(lambda: order_date(cell), ValueError)
