"""Pure duplicate matching: the blocking keys of a customer and the score (with evidence) of a pair.

Names are compared as written and in pinyin (王小明 = Wang Xiaoming = Xiaoming Wang), e-mail addresses
without case, Gmail dots or +tags, phones by their last eight digits too. A name alone never scores
above 60: two people can share one; an address or number they share is what makes them one person.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[a-z]+")
NAME_ONLY_CAP = 60
_PLACEHOLDER = re.compile(r"^[\w.]+ visitor$")


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()  # E.164


@dataclass(frozen=True, slots=True)
class Match:
    customer_id: int
    score: int
    evidence: tuple[str, ...] = field(default_factory=tuple)
    name: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "name": self.name,
            "score": self.score,
            "evidence": list(self.evidence),
        }


def _pinyin() -> Callable[[str], list[str]]:
    # Imported when first needed: pypinyin's phrase tables take a third of a second to load, which every
    # `hub` command (and `--help`) would otherwise pay. The server loads them in its background warm-up.
    from pypinyin import lazy_pinyin

    return lazy_pinyin


def prepare() -> None:
    """Load the pinyin tables now (the server's warm-up does, in a thread) rather than on the first Chinese name."""
    _pinyin()


@lru_cache(maxsize=65536)
def name_tokens(name: str) -> tuple[str, ...]:
    """Latin-letter tokens; Chinese characters become their pinyin (surname first, given name joined).
    Cached: pinyin conversion is most of the cost of scoring a candidate, and names repeat."""
    text = unicodedata.normalize("NFKC", name).lower()
    if _CJK.search(text):
        han = "".join(_CJK.findall(text))
        syllables = _pinyin()(han)
        tokens = [syllables[0], "".join(syllables[1:])] if len(syllables) > 1 else syllables
        return (*[t for t in tokens if t], *_WORD.findall(_CJK.sub(" ", text)))
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return tuple(_WORD.findall(folded))


def email_forms(address: str) -> tuple[str, str]:
    """(the address as one mailbox: lower case, no +tag, no Gmail dots; its local part)."""
    local, _, domain = address.lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}", local.replace(".", "").replace("_", "").replace("-", "")


def real_name(name: str) -> str:
    """'' for the placeholders ingest gives nameless senders ("webchat visitor", an address, a number)."""
    text = name.strip()
    if not text or _PLACEHOLDER.match(text) or "@" in text or text.lstrip("+").replace(" ", "").isdigit():
        return ""
    return text


def keys(person: Person) -> dict[str, int]:
    """Blocking keys with weights: customers sharing a key are compared; everyone else is not."""
    out: dict[str, int] = {}
    tokens = name_tokens(real_name(person.name))
    if tokens and sum(len(t) for t in tokens) >= 4:
        out["a:" + "".join(sorted("".join(tokens)))[:110]] = 2  # any order, any spacing, hanzi or pinyin
        for token in tokens:  # one token exact, the others by initial: survives a typo in another token
            if len(token) >= 5:  # shorter tokens (wei, li, na) are shared by thousands: no use as a block
                others = "".join(sorted(t[0] for t in tokens if t is not token))
                out[f"t:{token[:80]}|{others}"] = 1
    for address in person.emails:
        whole, local = email_forms(address)
        out["e:" + whole[:110]] = 5
        if len(local) >= 5:
            out["l:" + local[:110]] = 2
    for phone in person.phones:
        digits = re.sub(r"\D", "", phone)
        if len(digits) >= 8:
            out["p:" + digits[-8:]] = 4
    return out


def _name_score(a: str, b: str) -> tuple[int, str]:
    ta, tb = name_tokens(real_name(a)), name_tokens(real_name(b))
    if not ta or not tb:
        return 0, ""
    score = int(fuzz.token_sort_ratio(" ".join(ta), " ".join(tb)))
    # "Xiao Ming Wang" against 王小明: compare with spacing gone, in sorted-letter order as the last resort.
    compact = int(fuzz.ratio("".join(sorted("".join(ta))), "".join(sorted("".join(tb)))))
    best = max(score, compact - 5)
    how = "in pinyin" if bool(_CJK.search(a)) != bool(_CJK.search(b)) else "by spelling"
    return best, how


def same_name(a: str, b: str, least: int = 85) -> bool:
    """Whether two written names are one person's (spelling, order, hanzi or pinyin); placeholders never are."""
    return _name_score(a, b)[0] >= least


def score(a: Person, b: Person) -> Match:
    """How likely b is the same person as a (0-100), and why."""
    evidence: list[str] = []
    contact = 0
    a_mail = {email_forms(x)[0]: x for x in a.emails}
    a_local = {email_forms(x)[1]: x for x in a.emails}
    for address in b.emails:
        whole, local = email_forms(address)
        if whole in a_mail:
            contact = max(contact, 100)
            evidence.append(f"same e-mail ({a_mail[whole]} / {address})")
        elif len(local) >= 5 and local in a_local:
            contact = max(contact, 70)
            evidence.append(f"same e-mail name at another provider ({a_local[local]} / {address})")
    a_tail = {re.sub(r"\D", "", p)[-8:]: p for p in a.phones}
    for phone in b.phones:
        tail = re.sub(r"\D", "", phone)[-8:]
        if phone in a.phones:
            contact = max(contact, 100)
            evidence.append(f"same phone {phone}")
        elif len(tail) == 8 and tail in a_tail:
            contact = max(contact, 80)
            evidence.append(f"phones end alike ({a_tail[tail]} / {phone})")
    name, how = _name_score(a.name, b.name)
    if name >= 60:
        evidence.insert(0, f"name {a.name!r} ~ {b.name!r} {how} ({name}%)")
    total = round(0.6 * contact + 0.4 * name) if contact else round(name * NAME_ONLY_CAP / 100)
    return Match(b.id, int(total), tuple(evidence), b.name)
