"""Who is behind a Twilio `From`: a phone number, a Twilio Client or SIP identity, a short code or sender id,
or a caller whose number is withheld (each withheld call is a stranger of its own, never matched by number)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

from hub.customers.identities import e164
from hub.envelopes import IdentityRef, storable_text

PHONE = "phone"
CLIENT = "twilio.client"  # Twilio Client / Voice SDK identity: stable, so the same person across calls
SIP = "sip"
WITHHELD = "call"  # the CallSid: a withheld caller is known for this one call only
SMS_SENDER = "sms.sender"  # a short code or an alphanumeric sender id: a sender, but no number to answer
SMS_WITHHELD = "sms.withheld"  # the MessageSid of a text whose sender is hidden: known for this one message

# What carriers and Twilio put in From when the caller withheld their number. Twilio has also sent these
# words spelt on a keypad (+266696687 is ANONYMOUS, +7378742833 RESTRICTED, +86282452253 UNAVAILABLE,
# +8656696 UNKNOWN, +2562533 BLOCKED); the spellings are computed, so the list is the words only.
WITHHELD_WORDS = ("anonymous", "restricted", "unavailable", "unknown", "blocked", "private", "withheld",
                  "privatenumber", "unknowncaller", "nocallerid", "notavailable", "unavailablenumber")  # fmt: skip
_KEYPAD = {c: d for d, letters in {"2": "abc", "3": "def", "4": "ghi", "5": "jkl", "6": "mno", "7": "pqrs",
                                   "8": "tuv", "9": "wxyz"}.items() for c in letters}  # fmt: skip
SPELT = {"".join(_KEYPAD[c] for c in word): word for word in WITHHELD_WORDS}
_SEPARATORS = re.compile(r"[\s().-]")
_SHORT_CODE = re.compile(r"^\+?(\d{3,8})$")
# GSM alphanumeric sender ids: up to 11 letters, digits and a few marks, at least one letter.
_SENDER_ID = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 &._+-]{1,11}$")
MAX_IDENTITY = 300
UNRECOGNISED = "unrecognised"  # a caller id that is no number, name or address: treated as withheld


@dataclass(frozen=True, slots=True)
class Sender:
    identity: IdentityRef
    shown: str  # how an agent reads it: "+8613800138000", "a withheld number (anonymous)", "Twilio Client alice"
    withheld: bool = False
    callable: bool = False  # a phone number we could call or text back
    name: str | None = None  # a display name the identity itself gives (a Client identity)


def _letters(raw: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", raw).lower() if c.isalpha())


def _withheld_reason(raw: str) -> str | None:
    """The word the caller id stands for when it says "no number", else None."""
    compact = _SEPARATORS.sub("", raw).removeprefix("+")
    if compact.isdigit():
        if compact in SPELT:
            return SPELT[compact]
        return "no number" if set(compact) == {"0"} else None
    letters = _letters(raw)
    if letters in WITHHELD_WORDS and len(letters) == len(_SEPARATORS.sub("", raw)):
        return " ".join(raw.lower().split())  # "Private Number" -> "private number"
    return None


def _withheld(call_sid: str, why: str, raw: str = "") -> Sender:
    shown = f"an unrecognised caller id ({raw[:40]!r})" if why == UNRECOGNISED else f"a withheld number ({why})"
    return Sender(IdentityRef(WITHHELD, call_sid), shown, withheld=True)


def _phone(raw: str, region: str | None) -> str | None:
    try:
        return e164(raw)
    except ValueError:
        pass
    if region is None:
        return None
    # A national number (a SIP trunk's "4155551234"): read in the called number's country, valid ones only.
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def region_of(number: str) -> str | None:
    """The country of one of our numbers, for reading national caller ids."""
    try:
        code = phonenumbers.parse(number, None).country_code
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_country_code(code or 0)
    return None if region == phonenumbers.UNKNOWN_REGION else region


def _sip(uri: str, call_sid: str, region: str | None) -> Sender:
    """sip:alice@pbx.example.com;transport=tls -> alice@pbx.example.com; RFC 3323's anonymous@anonymous.invalid
    is a withheld caller; a user part that is a phone number is that phone."""
    address = uri.split(":", 1)[1].split(";", 1)[0].split("?", 1)[0]
    user, _, host = address.rpartition("@")
    host = host.lower()
    if host.endswith(".invalid") or _withheld_reason(user or host):
        return _withheld(call_sid, "anonymous", uri)
    phone = _phone(user, region) if user else None
    if phone is not None:
        return Sender(IdentityRef(PHONE, phone), phone, callable=True)
    value = f"{user}@{host}" if user else host
    if not host or len(value) > MAX_IDENTITY:
        return _withheld(call_sid, UNRECOGNISED, uri)
    return Sender(IdentityRef(SIP, value), f"SIP {value}")


def caller_of(raw_from: str, call_sid: str, called: str = "") -> Sender:
    """The caller of one call. Never fails: every call is answered, whatever its caller id."""
    raw = storable_text(raw_from).strip()
    if not raw:
        return _withheld(call_sid, "no caller id", raw)
    lowered = raw.lower()
    region = region_of(called) if called else None
    if lowered.startswith("client:"):
        name = raw.split(":", 1)[1].strip()
        if not name or _withheld_reason(name):
            return _withheld(call_sid, "anonymous", raw)
        if len(name) > MAX_IDENTITY:
            return _withheld(call_sid, UNRECOGNISED, raw)
        return Sender(IdentityRef(CLIENT, name), f"Twilio Client {name}", name=name)
    if lowered.startswith(("sip:", "sips:")):
        return _sip(raw, call_sid, region)
    why = _withheld_reason(raw)
    if why is not None:
        return _withheld(call_sid, why, raw)
    phone = _phone(raw, region)
    if phone is not None:
        return Sender(IdentityRef(PHONE, phone), phone, callable=True)
    return _withheld(call_sid, UNRECOGNISED, raw)


def texter_of(raw_from: str, country: str = "", message_sid: str = "") -> Sender | None:
    """The sender of one SMS: a phone, a short code (per country) or an alphanumeric sender id; a hidden
    sender ("Anonymous", a keypad placeholder) is a stranger known by this message only. None when From is
    none of these (and so no sender we could keep apart from others)."""
    raw = storable_text(raw_from).strip()
    if not raw:
        return None
    why = _withheld_reason(raw)
    if why is not None:  # before the number: some placeholders (+86282452253) are possible numbers
        if not message_sid:
            return None
        return Sender(IdentityRef(SMS_WITHHELD, message_sid), f"a hidden sender ({why})", withheld=True)
    try:
        phone = e164(raw)
    except ValueError:
        phone = None
    if phone is not None:
        return Sender(IdentityRef(PHONE, phone), phone, callable=True)
    short = _SHORT_CODE.match(raw)
    if short:
        code = short.group(1)
        value = f"{country.upper()}:{code}" if country.isalpha() else code
        return Sender(IdentityRef(SMS_SENDER, value), f"short code {code}", name=code)
    if _SENDER_ID.match(raw):
        return Sender(IdentityRef(SMS_SENDER, raw), f"sender id {raw}", name=raw)
    return None
