"""Who sent a mail: the From address when it parses cleanly, else the envelope sender, Return-Path, Sender, Reply-To.

A broken From (an unterminated angle bracket, no domain, a display name alone, two addresses, an address
hidden inside an encoded word) is never half-parsed into an identity: the next source that parses cleanly
names the sender. email-validator decides what "parses" means, for the senders we store and for the
recipients we send to alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import errors
from email.message import Message
from email.utils import getaddresses

from hub.channels.email.charsets import decode_words, fix_header
from hub.channels.email.mime_policy import READING


def address_problem(address: str) -> str | None:
    """Why we could never deliver to this address, or None when it is a well-formed one."""
    # Imported with the first address checked: its patterns take 0.05 s to compile at the server's start.
    from email_validator import EmailNotValidError, validate_email

    try:
        # No DNS look-ups (the hot path must not wait on them); ".test" is reserved and never resolves, so
        # allowing it (test_environment) costs nothing and lets demos and test set-ups use it.
        validate_email(address, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        return str(exc)
    return None


@dataclass(frozen=True, slots=True)
class Mailbox:
    address: str | None
    name: str | None
    problem: str | None  # why the header gave no usable address


def _name(raw: str) -> str | None:
    """A display name worth showing: decoded, and not itself an address (a spoofing trick, or just noise)."""
    text = " ".join(decode_words(raw)[0].split()).strip().strip('"').strip()
    if not text or "@" in text or "<" in text or "\ufffd" in text:
        return None
    return text[:200]


def parse_mailbox(raw: str | None, charset: str | None = None) -> Mailbox:
    """One mailbox from a From, Sender, Reply-To or Return-Path value, or the reason there is none; `charset`:
    the mail's own, for a name written in raw 8-bit bytes."""
    if raw is None or not raw.strip():
        return Mailbox(None, None, "is missing")
    value = " ".join(fix_header(raw, charset)[0].split())
    try:
        header = READING.header_factory("from", value)
        found = [a for group in getattr(header, "groups", ()) for a in group.addresses]
        defects = list(header.defects)
    except Exception as exc:  # the standard parser can raise on some broken values (IndexError on "a@")
        return Mailbox(None, None, f"cannot be parsed ({exc.__class__.__name__})")
    # Defects about encoded words are the display name's (QQ Mail quotes its encoded names); the rest
    # concern the address.
    broken = next(
        (d for d in defects if isinstance(d, errors.InvalidHeaderDefect) and "encoded" not in str(d).lower()), None
    )
    if broken is not None:
        # e.g. a missing ">", no "@", an address inside an encoded word: a name at most, never an address.
        phrase = decode_words(value)[0].split("<", 1)[0]
        return Mailbox(None, _name(phrase) if "@" not in phrase else None, f"is malformed ({broken})")
    if len(found) != 1:
        return Mailbox(None, None, "names no address" if not found else f"names {len(found)} addresses")
    address = found[0].addr_spec
    if problem := address_problem(address):
        return Mailbox(None, None, f"has an unusable address ({problem})")
    # The display name from the raw value, decoded by our charset rules (a "gb2312" word may be GBK).
    pairs = getaddresses([value])
    name = pairs[0][0] if len(pairs) == 1 and pairs[0][1] == address else found[0].display_name
    return Mailbox(address, _name(name), None)


@dataclass(frozen=True, slots=True)
class Sender:
    address: str | None
    name: str | None
    warning: str | None  # set when the From header could not be used


def _raw(msg: Message, name: str) -> str | None:
    return next((v for k, v in msg.raw_items() if k.lower() == name.lower()), None)


def choose_sender(msg: Message, envelope_from: str | None, charset: str | None = None) -> Sender:
    """From when it parses; else MAIL FROM (SMTP only), Return-Path, Sender, Reply-To, in that order."""
    sender = parse_mailbox(_raw(msg, "From"), charset)
    if sender.address is not None:
        return Sender(sender.address, sender.name, None)
    candidates = [("the envelope sender (MAIL FROM)", f"<{envelope_from}>" if envelope_from else None)]
    candidates += [(f"the {h} header", _raw(msg, h)) for h in ("Return-Path", "Sender", "Reply-To")]
    for source, raw in candidates:
        fallback = parse_mailbox(raw, charset)
        if fallback.address is not None:
            why = f"From {sender.problem}: the sender is taken from {source}"
            return Sender(fallback.address, sender.name or fallback.name, why)
    return Sender(None, sender.name, f"From {sender.problem}, and no other header names a usable sender")
