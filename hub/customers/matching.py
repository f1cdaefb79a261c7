"""Pure duplicate matching: the blocking keys of a customer and the score (with its evidence) of a pair.

Names are compared as written and in pinyin (王小明 = Wang Xiaoming = Xiaoming Wang) and by nickname, e-mail
addresses without case, Gmail dots or +tags, phones in E.164 (by their last eight digits too, as weak
evidence). Each signal weighs in points (hub/customers/evidence.py); a name alone never reaches the threshold:
two people can share one; an address or number that is one person's is what makes them one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from hub.customers import evidence
from hub.customers.evidence import Signal, mailbox
from hub.customers.names import compare, formal_forms, name_tokens, prepare, real_name

__all__ = ["Match", "Person", "email_forms", "keys", "name_tokens", "prepare", "real_name", "same_name", "score"]


_NOT_DIGIT = re.compile(r"\D")


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()  # E.164: their own, and numbers they share with someone (a family landline)
    extensions: tuple[tuple[str, str], ...] = ()  # (E.164, extension) behind a switchboard
    address: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    customer_id: int
    score: int  # the probability (percent) that the two records are one person
    evidence: tuple[str, ...] = field(default_factory=tuple)  # what matched, as agents read it
    name: str = ""
    signals: tuple[Signal, ...] = ()

    @property
    def basis(self) -> str:
        """The strongest signal for the pair: 'strong' (a shared mailbox or mobile), 'medium', 'weak' or 'none'."""
        for strength in ("strong", "medium", "weak"):
            if any(s.strength == strength and s.points > 0 for s in self.signals):
                return strength
        return "none"

    def to_json(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "name": self.name,
            "score": self.score,
            "basis": self.basis,
            "evidence": list(self.evidence),
            "signals": [s.to_json() for s in self.signals],
        }


def email_forms(address: str) -> tuple[str, str]:
    """(the address as one mailbox: lower case, no +tag, no Gmail dots; its name without dots or dashes)."""
    whole, local, _ = mailbox(address)
    return whole, local


def keys(person: Person) -> dict[str, int]:
    """Blocking keys with weights: customers sharing a key are compared; everyone else is not. Names (a:, t:)
    are one family; e-mail (e:, l:), company (c:), number (p:) and address (h:) keys the other: every signal
    but the name comes with a key of the second family, so a candidate sharing only a name scores at most
    evidence.NAME_ONLY_MAX and the usual lookup reads only the selective second family."""
    tokens = name_tokens(real_name(person.name))
    out = dict(_name_keys(tokens))
    for address in person.emails:
        whole, local, domain = mailbox(address)
        out["e:" + whole[:110]] = 5
        if len(local) >= 5:
            out["l:" + local[:110]] = 2
        if evidence.company(domain):  # colleagues and aliases at one company: by its domain and a name word
            for token in tokens[:6]:
                if len(token) >= 3:
                    out[f"c:{domain[:80]}|{token[:30]}"] = 2
    if len(plain := evidence.plain_address(person.address)) >= 6:
        out["h:" + plain[:110]] = 1
    for phone in person.phones:
        digits = _NOT_DIGIT.sub("", phone)
        if len(digits) >= 8:
            out["p:" + digits[-8:]] = 4
    return out


@lru_cache(maxsize=65536)
def _name_keys(tokens: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """The name's keys (cached: a lookup computes its customer's keys each time, and names repeat)."""
    out: dict[str, int] = {}
    if tokens and sum(len(t) for t in tokens) >= 4:
        out["a:" + "".join(sorted("".join(tokens)))[:110]] = 2  # any order, any spacing, hanzi or pinyin
        for i, token in enumerate(tokens[:6]):
            others = tokens[:i] + tokens[i + 1 : 6]
            # One word exact (or the formal name a nickname is short for), the others by initial, nicknames'
            # formal initials too: survives a typo in another word, and Bob Smith meets Robert Smith.
            initials = [sorted({f[0] for f in formal_forms(t)}) for t in others]
            for form in sorted(formal_forms(token))[:4]:
                if len(form) >= 5:  # shorter words (wei, li, na) are shared by thousands: no use as a block
                    for combo in _combos(initials):
                        out[f"t:{form[:80]}|{combo}"] = 1
    return tuple(out.items())


def _combos(initials: list[list[str]]) -> list[str]:
    """Every choice of one initial per word, sorted letters each (a handful: nicknames have few formal forms)."""
    combos = [""]
    for options in initials:
        combos = [c + o for c in combos for o in options][:8]
    return sorted({"".join(sorted(c)) for c in combos})


def same_name(a: str, b: str) -> bool:
    """Whether two written names are one person's (spelling, order, nickname, hanzi or pinyin); placeholders
    and homophones (other characters) never are."""
    return compare(a, b).kind in ("same", "alike")


def score(a: Person, b: Person) -> Match:
    """How likely b is the same person as a (0-100), and why."""
    verdict = compare(a.name, b.name)
    names = [name_tokens(real_name(a.name)), name_tokens(real_name(b.name))]
    signals = [
        *evidence.name_signal(verdict, a.name, b.name),
        *evidence.email_signals(a.emails, b.emails, names),
        *evidence.phone_signals(a.phones, b.phones, dict(a.extensions), dict(b.extensions)),
        *evidence.address_signal(a.address, b.address),
    ]
    return Match(b.id, evidence.probability(signals), tuple(s.detail for s in signals), b.name, tuple(signals))
