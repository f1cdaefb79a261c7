"""One raw mail to a ParsedMail: addresses, threading ids, text (new part and quoted history), safe HTML, files.

Standard library `email` with policy.default does the MIME work; charsets.py turns bytes into text. A
problem with one field (a malformed date, a broken address, an undecodable part) becomes a warning on
the result, never an exception: the mail is kept whatever its shape.
"""

from __future__ import annotations

import email
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

import nh3
from bs4 import BeautifulSoup

from hub.channels.email.charsets import decode_bytes, fix_header
from hub.channels.email.quotes import split_quoted

MAX_TEXT_CHARS = 200_000
_MSGID = re.compile(r"<[^<>\s]{1,900}>")
# Tags and attributes a mail may keep; no script, style, event handlers, forms or remote images.
ALLOWED_TAGS = {
    *("a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr", "i", "img", "li", "ol"),
    *("p", "pre", "span", "strong", "table", "tbody", "td", "th", "thead", "tr", "u", "ul"),
}
ALLOWED_ATTRS = {"a": {"href", "title"}, "img": {"src", "alt"}, "td": {"colspan", "rowspan"}}


@dataclass(frozen=True, slots=True)
class MailPart:
    filename: str
    content_type: str
    data: bytes
    inline: bool  # an inline image (Content-ID), rather than an attached file
    content_id: str | None = None


@dataclass(slots=True)
class ParsedMail:
    message_id: str | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    sender: str | None  # lower-cased address: the identity
    sender_name: str | None
    to: tuple[str, ...]
    subject: str
    date: datetime | None
    text: str  # the new part, what the customer wrote this time
    quoted: str  # the earlier conversation the mail quotes
    html: str | None  # sanitized
    parts: list[MailPart] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # the loop-safety headers, lower-case names
    warnings: list[str] = field(default_factory=list)
    content_hash: str = ""
    message: Message | None = None  # for bounce inspection

    @property
    def external_id(self) -> str:
        """The Message-ID, or a hash of the whole mail when it has none (the same bytes twice: one id)."""
        return self.message_id or f"sha256:{self.content_hash}"


def _ids(value: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_MSGID.findall(value or "")))[:50]


def _header(msg: EmailMessage, name: str, warnings: list[str]) -> str:
    # Unencoded 8-bit bytes (GBK subjects from old clients) survive only in the raw value, as surrogates.
    raw = next((v for k, v in msg.raw_items() if k.lower() == name.lower()), None)
    if raw is None:
        return ""
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        value, note = fix_header(" ".join(raw.split()))
        warnings.append(f"{name} header: unencoded 8-bit text, {note}")
        return value.strip()
    try:
        return str(msg.get(name, "")).strip()
    except Exception as exc:  # a header the parser cannot represent: keep going without it
        warnings.append(f"{name} header unreadable ({exc.__class__.__name__})")
        return " ".join(raw.split())


def _body_text(part: Message, warnings: list[str]) -> str:
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    text, note = decode_bytes(data, part.get_content_charset())
    if note:
        warnings.append(f"{part.get_content_type()} part: {note}")
    return text


BLOCKS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "hr")


def html_to_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for dead in soup(["script", "style", "head", "title"]):
        dead.decompose()
    for br in soup("br"):
        br.replace_with("\n")
    for block in soup(BLOCKS):
        block.insert_before("\n")  # blocks start and end lines; inline elements stay in their line
        block.append("\n")
    lines = (line.strip() for line in soup.get_text().splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def sanitize_html(html: str) -> str:
    # Remote images would tell the sender when an agent opened the mail: only inline (cid:) images stay.
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRS,
        url_schemes={"http", "https", "mailto", "cid"},
        attribute_filter=lambda tag, attr, value: (
            None if tag == "img" and attr == "src" and not value.startswith("cid:") else value
        ),
        link_rel="noopener noreferrer nofollow",
    )


def parse_mail(raw: bytes) -> ParsedMail:
    warnings: list[str] = []
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    for defect in msg.defects[:5]:
        warnings.append(f"MIME: {defect.__class__.__name__}")
    name, address = parseaddr(_header(msg, "From", warnings))
    if "@" not in address:
        warnings.append("From has no usable address")
        address = ""
    subject = _header(msg, "Subject", warnings)
    date = None
    if date_raw := _header(msg, "Date", warnings):
        try:
            date = parsedate_to_datetime(date_raw)
        except (TypeError, ValueError, IndexError):
            warnings.append(f"unreadable Date {date_raw[:60]!r}")
    plain: list[str] = []
    html: list[str] = []
    parts: list[MailPart] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        if disposition == "attachment" or filename or (ctype.startswith("image/") and part.get("Content-ID")):
            data = part.get_payload(decode=True)
            parts.append(
                MailPart(
                    fix_header(filename or "")[0] or f"part.{ctype.split('/')[-1]}",
                    ctype,
                    data if isinstance(data, bytes) else b"",
                    disposition != "attachment" and bool(part.get("Content-ID")),
                    (part.get("Content-ID") or "").strip("<>") or None,
                )
            )
        elif ctype == "text/plain":
            plain.append(_body_text(part, warnings))
        elif ctype == "text/html":
            html.append(_body_text(part, warnings))
    html_joined = "\n".join(html)
    text = ("\n".join(plain).strip() or html_to_text(html_joined)).replace("\r\n", "\n")
    if len(text) > MAX_TEXT_CHARS:
        warnings.append(f"text cut at {MAX_TEXT_CHARS} characters (the raw mail keeps all of it)")
        text = text[:MAX_TEXT_CHARS]
    new, quoted = split_quoted(text)
    return ParsedMail(
        message_id=(_ids(_header(msg, "Message-ID", warnings)) or (None,))[0],
        in_reply_to=_ids(_header(msg, "In-Reply-To", warnings)),
        references=_ids(_header(msg, "References", warnings)),
        sender=address.lower() or None,
        sender_name=fix_header(name)[0].strip() or None,
        to=tuple(a.lower() for _, a in getaddresses([_header(msg, h, warnings) for h in ("To", "Cc")]) if "@" in a),
        subject=subject,
        date=date,
        text=new,
        quoted=quoted,
        html=sanitize_html(html_joined) if html_joined.strip() else None,
        parts=parts,
        headers={h: _header(msg, h, warnings).lower() for h in LOOP_HEADERS if msg.get(h) is not None},
        warnings=warnings,
        content_hash=hashlib.sha256(raw).hexdigest(),
        message=msg,
    )


LOOP_HEADERS = ("auto-submitted", "x-autoreply", "x-autorespond", "precedence", "list-id", "x-auto-response-suppress")
