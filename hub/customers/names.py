"""How two written names compare: the same, alike (typo, nickname, order, pinyin), sounding alike, or different.

Chinese characters are compared in pinyin too (王小明 = Wang Xiaoming = Xiaoming Wang); English nicknames
through the `nicknames` dataset (Bob = Robert, Liz = Elizabeth); placeholders ingest gives nameless senders
("webchat visitor", an address, a number) are no name at all.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import permutations
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[a-z]+")
_PLACEHOLDER = re.compile(r"^[\w.]+ visitor$")
# Two-character surnames: the rest of a Chinese name after them is the given name.
_COMPOUND = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "尉迟", "公孙", "长孙", "宇文", "司徒",
             "夏侯", "轩辕", "端木", "独孤", "南宫", "西门")  # fmt: skip

# Words made of pinyin syllables (xiaohong, jianguo): a given name in pinyin, unlike Kevin or Tsang.
_PINYIN = re.compile(
    r"^(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|er|in|un|ia|ie|iu|ua|uo|ui|ve|ue"
    r"|a|o|e|i|u|v)|ang|eng|ai|ei|ao|ou|an|en|er|a|o|e)+$"  # without an initial, only these finals stand
)

Kind = Literal["same", "alike", "sound", "differ", "unknown"]


@dataclass(frozen=True, slots=True)
class NameVerdict:
    kind: Kind  # same: as written or in pinyin; alike: typo, nickname, initial; sound: homophone characters
    percent: int  # spelling similarity, for the evidence line
    how: str  # "in pinyin", "by nickname", "by spelling", "same surname, other given name"
    common: bool = False  # a short name (two syllables: 王伟, Li Na) that thousands share


def _pinyin() -> Callable[[str], list[str]]:
    # Imported when first needed: pypinyin's phrase tables take a third of a second to load, which every
    # `hub` command (and `--help`) would otherwise pay. The server loads them in its background warm-up.
    from hub.knowledge.pinyin_tables import lazy_pinyin

    return lazy_pinyin()


@cache
def _nicknamer() -> dict[str, frozenset[str]]:
    """Name -> the formal names it is a nickname of, and itself (loaded once: 0.15 s)."""
    from nicknames import NickNamer

    table = NickNamer().canonical_lookup
    return {nick: frozenset(formal) for nick, formal in table.items()}


def prepare() -> None:
    """Load the pinyin and nickname tables now (the server's warm-up does, in a thread)."""
    _pinyin()
    _nicknamer()


def real_name(name: str) -> str:
    """'' for the placeholders ingest gives nameless senders ("webchat visitor", an address, a number)."""
    text = name.strip()
    if not text or _PLACEHOLDER.match(text) or "@" in text or text.lstrip("+").replace(" ", "").isdigit():
        return ""
    return text


@lru_cache(maxsize=65536)
def name_tokens(name: str) -> tuple[str, ...]:
    """Latin-letter tokens; Chinese characters become their pinyin (surname first, given name joined).
    Cached: pinyin conversion is most of the cost of scoring a candidate, and names repeat."""
    text = unicodedata.normalize("NFKC", name).lower()
    if _CJK.search(text):
        han = "".join(_CJK.findall(text))
        cut = 2 if han[:2] in _COMPOUND and len(han) > 2 else 1
        surname, given = _pinyin()(han[:cut]), _pinyin()(han[cut:])
        tokens = ["".join(surname), "".join(given)]
        return (*[t for t in tokens if t], *_WORD.findall(_CJK.sub(" ", text)))
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return tuple(_WORD.findall(folded))


def formal_forms(token: str) -> frozenset[str]:
    """The token and the formal names it may be short for (bob -> robert, bert, bobby)."""
    return _nicknamer().get(token, frozenset()) | {token}


def _token_match(a: str, b: str) -> str:
    """'same', 'nickname', 'initial', 'typo' or '' for two name tokens."""
    if a == b:
        return "same"
    if len(a) == 1 or len(b) == 1:
        return "initial" if a[0] == b[0] else ""
    if formal_forms(a) & formal_forms(b):
        return "nickname"
    # One slip (a letter wrong, missing, extra or two swapped) in a word of four letters or more; two from eight.
    slips = OSA.distance(a, b)
    return "typo" if min(len(a), len(b)) >= 4 and (slips <= 1 or (slips <= 2 and min(len(a), len(b)) >= 8)) else ""


def _pair_tokens(ta: tuple[str, ...], tb: tuple[str, ...]) -> list[str] | None:
    """Each token of the shorter name matched to one of the longer, in any order; None when one has none."""
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    left, how = list(long), list[str]()
    for token in short:
        found = next(((i, m) for m in ("same", "nickname", "typo", "initial")
                      for i, other in enumerate(left) if _token_match(token, other) == m), None)  # fmt: skip
        if found is None:
            return None
        how.append(found[1])
        left.pop(found[0])
    return how


@lru_cache(maxsize=65536)
def compare(a: str, b: str) -> NameVerdict:
    """How two customers' names compare; 'unknown' when either is a placeholder."""
    ra, rb = real_name(a), real_name(b)
    ta, tb = name_tokens(ra), name_tokens(rb)
    if not ta or not tb:
        return NameVerdict("unknown", 0, "")
    ca, cb = bool(_CJK.search(ra)), bool(_CJK.search(rb))
    joined_a, joined_b = "".join(ta), "".join(tb)
    percent = max(int(fuzz.token_sort_ratio(" ".join(ta), " ".join(tb))),
                  int(fuzz.ratio("".join(sorted(joined_a)), "".join(sorted(joined_b)))) - 5)  # fmt: skip
    common = min(len(joined_a), len(joined_b)) <= 6 or any(
        script and len(_CJK.findall(name)) <= 2 for script, name in ((ca, ra), (cb, rb))
    )
    if sorted(joined_a) == sorted(joined_b) and _spaced_alike(ta, tb):
        if ca and cb and "".join(_CJK.findall(ra)) != "".join(_CJK.findall(rb)):
            return NameVerdict("sound", percent, "sounds alike, other characters", common)
        return NameVerdict("same", 100, "in pinyin" if ca != cb else "as written", common)
    paired = _pair_tokens(ta, tb)
    if paired is not None and len(ta) == len(tb):
        how = next((m for m in ("typo", "nickname", "initial") if m in paired), "typo")
        return NameVerdict("alike", percent, {"typo": "by spelling", "nickname": "by nickname",
                                              "initial": "by initial"}[how], common)  # fmt: skip
    if paired is not None:  # a middle name, or a given name left out: "Wang Xiaoming" / "Xiaoming"
        return NameVerdict("alike" if min(len(ta), len(tb)) >= 2 else "unknown", percent, "in part", common)
    latin = tb if ca else ta
    if ca != cb and (ta[0] in tb if ca else tb[0] in ta) and not all(_PINYIN.match(t) for t in latin):
        # 周凯文 / Kevin Zhou: the surname, and an English (or Cantonese) given name beside the Chinese one.
        return NameVerdict("unknown", percent, "same surname, given name in another language", common)
    if shared := sorted(set(ta) & set(tb)):
        return NameVerdict("differ", percent, f"only {shared[0]!r} in common", common)
    return NameVerdict("differ", percent, "different names", common)


def _spaced_alike(ta: tuple[str, ...], tb: tuple[str, ...]) -> bool:
    """Same letters: also the same words, or one side written as syllables ("xiao ming" / "xiaoming")?"""
    if sorted(ta) == sorted(tb):
        return True
    if max(len(ta), len(tb)) > 5:
        return False
    # Some word order of one spells the other's letters in its order: "xiao ming wang" / "wang xiaoming".
    return any("".join(p) == "".join(tb) for p in permutations(ta)) or any(
        "".join(p) == "".join(ta) for p in permutations(tb)
    )
