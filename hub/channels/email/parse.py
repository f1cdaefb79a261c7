"""One raw mail to a ParsedMail: addresses, threading ids, text (new part and quoted history), safe HTML, files.

Standard library `email` with policy.default does the MIME work; charsets.py turns bytes and headers into
text, addresses.py picks the sender, mailhtml.py cleans the HTML, forwards.py recognises forwarded mail.
A problem with one field (a malformed date, a broken address, an undecodable part) becomes a warning on
the result, never an exception: the mail is kept whatever its shape.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

from hub.channels.email import tnef
from hub.channels.email.addresses import choose_sender
from hub.channels.email.charsets import decode_bytes, decode_words, html_charset, parameter
from hub.channels.email.flowed import is_flowed, unflow
from hub.channels.email.forwards import Forwarded, find_inline
from hub.channels.email.mailhtml import html_to_text, sanitize_html
from hub.channels.email.quotes import split_quoted
from hub.channels.email.single_part import decoded_body, read_message

MAX_TEXT_CHARS = 200_000
# A text part's bytes read for its text: enough for MAX_TEXT_CHARS characters at 4 bytes each, twice over
# (CRLF becomes LF after the cut's count), so the text kept is the same as from the whole part.
TEXT_BYTES = 8 * MAX_TEXT_CHARS
MAX_DEPTH = 3  # mail forwarded inside mail forwarded inside mail: deeper ones stay .eml files only
_MSGID = re.compile(r"<[^<>\s]{1,900}>")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
# Written back as it came: no refolded headers, CRLF, 8-bit bytes kept (the raw copy of a forwarded mail).
_AS_RECEIVED = policy.default.clone(linesep="\r\n", refold_source="none")


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
    forwarded: list[Forwarded] = field(default_factory=list)  # mails forwarded, attached or inline
    null_sender: bool = False  # MAIL FROM:<> or Return-Path: <>: a bounce or an automatic reply (RFC 5321, 3834)
    report_type: str | None = None  # multipart/report's report-type: delivery-status, disposition-notification...

    @property
    def external_id(self) -> str:
        """The Message-ID, or a hash of the whole mail when it has none (the same bytes twice: one id)."""
        return self.message_id or f"sha256:{self.content_hash}"


def _ids(value: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_MSGID.findall(value or "")))[:50]


def _header(msg: EmailMessage, name: str, warnings: list[str], charset: str | None = None) -> str:
    raw = next((v for k, v in msg.raw_items() if k.lower() == name.lower()), None)
    if raw is None:
        return ""
    # Unencoded 8-bit bytes (GBK subjects from old clients) survive only in the raw value, as surrogates;
    # encoded words are decoded by our charset rules (a word labelled gb2312 may hold GBK characters).
    eight_bit = any("\udc80" <= ch <= "\udcff" for ch in raw)
    if eight_bit or "=?" in raw:
        value, note = decode_words(" ".join(raw.split()), charset)
        if eight_bit:
            warnings.append(f"{name} header: unencoded 8-bit text, {note or 'read as ' + (charset or 'utf-8')}")
        elif note:
            warnings.append(f"{name} header: {note}")
        return value.strip()
    try:
        return str(msg.get(name, "")).strip()
    except Exception as exc:  # a header the parser cannot represent: keep going without it
        warnings.append(f"{name} header unreadable ({exc.__class__.__name__})")
        return " ".join(raw.split())


def _filename(part: Message, warnings: list[str], charset: str | None) -> str | None:
    """The file's name as an agent should see it: Lotus Notes and old Outlook send the sender's whole path
    ("C:\\Documents and Settings\\...\\报价.pdf"), a hostile sender "../../x": the last part only, no controls."""
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        value, note = parameter(part, header, param, charset)
        if value:
            if note:
                warnings.append(f"file name {value[:60]!r}: {note}")
            last = re.split(r"[\\/]", value.strip())[-1]
            name = " ".join(_CONTROLS.sub(lambda c: " " if c[0] in "\t\r\n" else "", last).split())
            if name.strip("."):
                return name[:200]
    return None


def _body_text(part: Message, warnings: list[str], body: bytes | None = None) -> str:
    """A text part's text, at most TEXT_BYTES of it; `body`: the raw body of a single-part mail."""
    data = decoded_body(part, body)
    declared = part.get_content_charset()
    if declared is None and part.get_content_type() == "text/html":
        declared = html_charset(data)  # the MIME header names none: the page's own <meta> does
    text, note = decode_bytes(data, declared, limit=TEXT_BYTES)
    if note:
        warnings.append(f"{part.get_content_type()} part: {note}")
    if part.get_content_type() == "text/plain" and is_flowed(part):
        return unflow(text, str(part.get_param("delsp") or "").lower() == "yes")
    return text


def _own_charset(msg: Message) -> str | None:
    """The charset the mail's text declares: what a client that writes raw 8-bit headers wrote them in."""
    return next(
        (c for p in _leaves(msg) if p.get_content_maintype() == "text" and (c := p.get_content_charset())), None
    )


def _leaves(part: Message) -> Iterator[Message]:
    """The parts that carry content; an attached mail (message/rfc822) is one part, not opened here."""
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        yield part
        return
    payload = part.get_payload()
    for sub in payload if isinstance(payload, list) else ():
        if isinstance(sub, Message):
            yield from _leaves(sub)


def _attached_mail(part: Message, depth: int, warnings: list[str]) -> tuple[bytes, Forwarded | None]:
    """A mail attached whole: its bytes (kept as an .eml file) and what it says (shown as forwarded)."""
    inner = part.get_payload()
    if not (isinstance(inner, list) and inner and isinstance(inner[0], Message)):
        data = part.get_payload(decode=True)
        return (data if isinstance(data, bytes) else b""), None
    try:
        data = inner[0].as_bytes(policy=_AS_RECEIVED)
    except Exception as exc:  # a mail the generator cannot write back: keep what the parser kept
        warnings.append(f"attached mail kept as parsed ({exc.__class__.__name__})")
        data = inner[0].as_bytes(policy=policy.compat32)
    if depth >= MAX_DEPTH:
        return data, None
    mail = parse_mail(data, _depth=depth + 1)
    who = f"{mail.sender_name} <{mail.sender}>" if mail.sender_name and mail.sender else mail.sender or ""
    text = "\n\n".join(t for t in (mail.text, mail.quoted) if t)
    when = mail.date.isoformat() if mail.date else ""
    return data, Forwarded(who, when, mail.subject, text[:20_000])


def parse_mail(
    raw: bytes, envelope_from: str | None = None, *, content_hash: str | None = None, _depth: int = 0
) -> ParsedMail:
    """`envelope_from` is SMTP's MAIL FROM ("" for the null sender); None when there was no envelope (IMAP).
    `content_hash`: the SHA-256 of `raw` (hex) when the caller has it already (the raw copy's name)."""
    warnings: list[str] = []
    msg, body = read_message(raw)
    for defect in msg.defects[:5]:
        warnings.append(f"MIME: {defect.__class__.__name__}")
    charset = _own_charset(msg)
    sender = choose_sender(msg, envelope_from, charset)
    if sender.warning:
        warnings.append(sender.warning)
    return_path = _header(msg, "Return-Path", warnings)
    subject = _header(msg, "Subject", warnings, charset)
    date = None
    if date_raw := _header(msg, "Date", warnings):
        try:
            date = parsedate_to_datetime(date_raw)
        except (TypeError, ValueError, IndexError):
            warnings.append(f"unreadable Date {date_raw[:60]!r}")
    plain: list[str] = []
    html: list[str] = []
    parts: list[MailPart] = []
    forwarded: list[Forwarded] = []
    attached_texts: list[Message] = []  # text files: the mail's text when it has no text of its own
    winmail: list[tnef.Tnef] = []  # Outlook's winmail.dat opened: its files are the mail's, its text a fallback
    for part in _leaves(msg):
        ctype = part.get_content_type()
        disposition = part.get_content_disposition()
        filename = _filename(part, warnings, charset)
        cid = " ".join(next((v for k, v in part.raw_items() if k.lower() == "content-id"), "").split()).strip("<>")
        if ctype == "message/rfc822":
            data, summary = _attached_mail(part, _depth, warnings)
            if summary is not None:
                forwarded.append(dataclasses.replace(summary, part=len(parts)))
            name = filename or f"{(summary.subject if summary else '') or 'forwarded'}"[:80] + ".eml"
            parts.append(MailPart(name if name.lower().endswith(".eml") else name + ".eml", ctype, data, False))
        elif (ctype in tnef.TYPES or (filename or "").lower() == "winmail.dat") and (
            opened := tnef.opened(decoded_body(part, body if part is msg else None), warnings)
        ):
            winmail.append(opened)
            parts.extend(MailPart(n, t, data, bool(cid), cid) for n, t, data, cid in opened.parts())
        elif disposition == "attachment" or filename or (ctype.startswith("image/") and cid):
            if ctype == "text/plain":
                attached_texts.append(part)
            parts.append(
                MailPart(
                    filename or f"part.{ctype.split('/')[-1]}",
                    ctype,
                    decoded_body(part, body if part is msg else None),
                    disposition != "attachment" and bool(cid),
                    cid or None,
                )
            )
        elif ctype == "text/plain":
            plain.append(_body_text(part, warnings, body if part is msg else None))
        elif ctype == "text/html":
            html.append(_body_text(part, warnings, body if part is msg else None))
    if not "".join(plain).strip() and not "".join(html).strip():
        plain, html = [t.text for t in winmail if t.text], [t.html for t in winmail if t.html]
    html_joined = "\n".join(html)
    if not "".join(plain).strip() and not html_joined.strip() and attached_texts:
        # Written in a text file and sent with an empty body (a phone's share sheet, a saved complaint): the
        # agent reads the file's words as the mail's; the file stays attached too.
        plain = [_body_text(p, warnings, body if p is msg else None) for p in attached_texts]
        warnings.append(f"the mail's text is in its attached file {_filename(attached_texts[0], [], charset)!r}")
    # Only as much as can be kept goes through the replace: a 5 MB text is cut below anyway.
    text = ("\n".join(plain).strip() or html_to_text(html_joined))[: 2 * MAX_TEXT_CHARS + 1].replace("\r\n", "\n")
    if len(text) > MAX_TEXT_CHARS:
        warnings.append(f"text cut at {MAX_TEXT_CHARS} characters (the raw mail keeps all of it)")
        text = text[:MAX_TEXT_CHARS]
    raw_items = list(msg.raw_items())[::-1]  # the first of repeated headers wins (raw: msg.get() can raise)
    lowered = text.lower()  # once for both readers
    new, quoted = split_quoted(text, lowered)
    inline = find_inline(text, subject, lowered)
    if inline is not None:
        own, earlier = split_quoted(text[: inline[0]])
        if not earlier:  # forwarded by this mail, not in the history it quotes
            new, quoted = own, ""
            forwarded.insert(0, inline[1])
    return ParsedMail(
        message_id=(_ids(_header(msg, "Message-ID", warnings)) or (None,))[0],
        in_reply_to=_ids(_header(msg, "In-Reply-To", warnings)),
        references=_ids(_header(msg, "References", warnings)),
        sender=sender.address.lower() if sender.address else None,
        sender_name=sender.name,
        to=tuple(a.lower() for _, a in getaddresses([_header(msg, h, warnings) for h in ("To", "Cc")]) if "@" in a),
        subject=subject,
        date=date,
        text=new,
        quoted=quoted,
        html=sanitize_html(html_joined) if html_joined.strip() else None,
        parts=parts,
        forwarded=forwarded,
        headers={
            k.lower(): decode_words(" ".join(v.split()), charset)[0].lower()
            for k, v in raw_items
            if k.lower() in LOOP_HEADERS
        },
        warnings=warnings,
        content_hash=content_hash or hashlib.sha256(raw).hexdigest(),
        message=msg,
        null_sender=envelope_from in ("", "<>") or return_path.replace(" ", "") == "<>",
        report_type=str(msg.get_param("report-type") or "?").lower()
        if msg.get_content_type() == "multipart/report"
        else None,
    )


# Headers loops.py and bounces.py read (lower-case names): RFC 3834, list headers and vendors' habits.
LOOP_HEADERS = (
    *("auto-submitted", "x-autoreply", "x-autorespond", "x-autoresponder", "x-autoreply-from", "x-mail-autoreply"),
    *("x-autoresponse", "x-vacation", "precedence", "x-precedence", "list-id", "list-unsubscribe"),
    *("x-auto-response-suppress", "x-autogenerated", "x-post-messageclass", "x-mailer", "delivered-to", "from"),
    "x-failed-recipients",
)
