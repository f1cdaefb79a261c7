"""What a question asks about, and how much of it an article covers: the evidence for "a different question".

A question that shares an article's key word but asks something else ("do you accept bitcoin payments"
against the payment-failed article, 支持比特币吗 against international delivery through 支持) scores well
on BM25, whose terms include helpers (single characters, pinyin pairs) and the thesaurus' additions. Here
the question is cut into whole words instead (jieba's precise cut, English stems), each weighted by its
rarity in the knowledge base and by whether its sentence asks, and each either covered by the article (the
word itself, its typo fix, a thesaurus member standing for it, or for a Chinese compound the sub-words it
contains, by their share of its characters) or not. An unmatched rare word is the strongest sign that the
article answers another question: the word no article contains ("bitcoin", 比特币) counts at the highest
rarity, unless the thesaurus understands it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from hub.knowledge.synonyms import entries_in, stands_for
from hub.knowledge.terms import _CHAR_STOP, _EN_STOP, _pairs, _pinyin_words, _run_pinyin, asking_sentences, stem
from hub.knowledge.text import _CJK, _WORD, STOPWORDS, _jieba, precise_words, run_words

MISSING_WORDS = 3.0  # unmatched words (at the highest rarity, in a sentence that asks) that make "missing" 1
_RUNS = re.compile(r"([\u3400-\u9fff\uf900-\ufaff]+)")


# Everyday English words that say little about what is asked (the Chinese ones come from jieba's general
# word frequencies); as stems. A knowledge base may use one of them in a single article ("we support ..."),
# which makes it rare there without making it the point of a question.
_EN_GENERIC_WORDS = (
    "help support service need want way problem issue question possible able use using tell know like work "
    "working make give take ask asking sure time today day week guys people thing"
)
_EN_GENERIC = frozenset(stem(w) for w in _EN_GENERIC_WORDS.split())
GENERIC_WEIGHT = 0.3


# A question that asks whether something can be done ("can I pay with PayPal?", 能开专票吗) rather than how,
# where or when: near misses are mostly of this kind (a capability the base never mentions), answerable
# questions mostly ask how. Only the sentences that ask count (a long story's "I can't" says nothing).
_WHETHER = re.compile(
    r"^\W*(can|could|may|is|are|do|does|did|will|would|should)\b|\b(can|could|may) (i|we|you)\b"
    r"|吗|能不能|能否|可以|可不可以|是否|有没有|行不行|\bma\W*$"
)
_OPEN = re.compile(
    r"\b(how|what|when|where|why|which|who)\b|怎么|怎样|如何|哪|什么|咋|多少|多久|几|为啥|为什么|zen ?me"
)


def whether(query: str) -> bool:
    """Whether the question asks if something can be done or is so, rather than how, what or when."""
    asking = [s.lower() for s, weight in asking_sentences(query) if weight == 1.0]
    return any(_WHETHER.search(s.strip()) for s in asking) and not any(_OPEN.search(s) for s in asking)


@lru_cache(maxsize=65536)
def specificity(word: str) -> float:
    """0.3-1: how much a word of the question says about what is asked. Chinese: from its frequency in
    jieba's dictionary of general text (支持, 问题, 东西 are everyday words; 比特币, 昵称 are not)."""
    if word.isascii():
        return GENERIC_WEIGHT if word in _EN_GENERIC else 1.0
    dictionary = _jieba().dt
    zipf = math.log10((dictionary.FREQ.get(word, 0) + 1) / dictionary.total * 1e9)
    return max(GENERIC_WEIGHT, min(1.0, (6.0 - zipf) / 2))


@dataclass(frozen=True, slots=True)
class Part:
    """An index term standing for the characters start:end of a Chinese word, with its strength (0-1)."""

    term: str
    start: int
    end: int
    strength: float


@dataclass(frozen=True, slots=True)
class Unit:
    """One word of the question: the index terms that stand for it (whole) and its parts (Chinese sub-words
    with the share of the word each stands for)."""

    term: str
    weight: float  # the sentence's weight (asking 1, story 0.5)
    alts: frozenset[str]
    parts: tuple[Part, ...] = ()
    size: int = 1  # characters, for the share of a Chinese word its parts cover


@lru_cache(maxsize=4096)  # a word's pieces are the same in every question: a base's vocabulary repeats
def _parts(word: str) -> tuple[Part, ...]:
    """What stands for pieces of a Chinese word: its sub-words, the thesaurus concepts of the entries it
    contains (付款 in 分期付款), the pinyin of each character pair (a homophone typo: 琐定 for 锁定, meeting the
    article's pinyin pairs) and, at half strength, its single characters (修 of 报修 in 维修)."""
    parts: list[Part] = []
    for sub in dict.fromkeys(s for s in run_words(word) if 1 < len(s) < len(word)):
        start = word.find(sub)
        parts.append(Part(sub, start, start + len(sub), 1.0))
    for entry, group in entries_in(word):
        start = word.find(entry)
        parts.extend(Part(member, start, start + len(entry), 1.0) for member in group)
    syllables = _run_pinyin(word)
    if len(syllables) == len(word):
        parts.extend(Part("py:" + a + b, i, i + 2, 1.0) for i, (a, b) in enumerate(pairwise(syllables)))
    parts.extend(Part(ch, i, i + 1, 0.5) for i, ch in enumerate(word) if ch not in _CHAR_STOP)
    return tuple(parts)


@lru_cache(maxsize=1024)
def _words(sentence: str) -> tuple[tuple[str, tuple[Part, ...]], ...]:
    """Whole words of a sentence: English stems, Chinese words by jieba's precise cut (with their sub-words)."""
    out: list[tuple[str, tuple[Part, ...]]] = []
    for chunk in _RUNS.split(sentence.lower()):
        if not chunk:
            continue
        if _CJK.match(chunk):
            for w in precise_words(chunk):
                if not w.strip() or w in STOPWORDS or all(ch in _CHAR_STOP for ch in w):
                    continue
                out.append((w, _parts(w)))
            continue
        words = [w.replace("'", "") for w in _WORD.findall(chunk)]
        syllables = _pinyin_words(words)
        if syllables is not None and len(syllables) >= 3:
            # Typed in pinyin: no whole words, so its syllable pairs (the terms that found the article)
            # stand for them; a pair no article has ("tou su", complain) is what nobody wrote about.
            out.extend((p, ()) for p in _pairs(syllables))
            continue
        for w in words:
            if w in STOPWORDS or w in _EN_STOP or len(w) < 2 or w.isdigit():
                continue
            out.append((stem(w), ()))
    return tuple(out)


def units(query: str, fix: Callable[[str], str | None]) -> list[Unit]:
    """The question's words; ``fix`` gives the indexed word a misspelt one stands for (or None)."""
    text = query.lower()
    found: dict[str, Unit] = {}
    for sentence, weight in asking_sentences(query):
        for term, parts in _words(sentence):
            if term in found and found[term].weight >= weight:
                continue
            alts = {term, *stands_for(term, text)}
            fixed = fix(term) if term.isascii() and not term.startswith("py:") else None
            if fixed:
                alts.update((fixed, *stands_for(fixed, text)))
            found[term] = Unit(term, weight, frozenset(alts), parts, len(term))
    return list(found.values())


def _covered(unit: Unit, terms: Mapping[str, float]) -> float:
    """The share of a Chinese word's characters the article's terms stand for (by strength)."""
    if not unit.parts:
        return 0.0
    strength = [0.0] * unit.size
    for part in unit.parts:
        if part.term in terms:
            for i in range(part.start, part.end):
                strength[i] = max(strength[i], part.strength)
    return sum(strength) / unit.size


class Focus:
    """The question's words weighed against the index: rarity per word, computed once per query."""

    def __init__(self, query_units: list[Unit], postings: Mapping[str, Mapping[int, float]], n: int) -> None:
        self.units = query_units
        self.query_terms: frozenset[str] = frozenset()  # the question's search terms, thesaurus and typo fixes in
        self.trouble = False  # the question reports something wrong (trouble.py)
        self.unwanted = False  # the question does not want something (trouble.py)
        self.asks: frozenset[str] = frozenset()  # the kinds of answer it asks for (asks.py)
        self._top = math.log(1 + (n + 0.5) / 0.5)  # the rarity of a word no article contains
        self.rarity: list[float] = []
        for u in query_units:
            dfs = [len(postings[a]) for a in u.alts if a in postings]
            dfs += [len(postings[p.term]) for p in u.parts if p.term in postings and p.strength == 1.0]
            df = min(dfs) if dfs else 0
            self.rarity.append(u.weight * specificity(u.term) * math.log(1 + (n - df + 0.5) / (df + 0.5)))
        self._total = sum(self.rarity)

    def covers(self, terms: Mapping[str, float], gist_terms: frozenset[str] = frozenset()) -> Coverage:
        """How much of the question the article's terms cover; ``gist_terms``: the terms of the article's gist
        concepts together (gist.gist_terms)."""
        if not self._total:
            return Coverage(1.0, 0.0, 1.0)
        got = missing = rest = rest_got = 0.0
        for u, rarity in zip(self.units, self.rarity, strict=True):
            share = 1.0 if any(a in terms for a in u.alts) else _covered(u, terms)
            got += rarity * share
            missing += rarity * (1 - share) / self._top
            if not _names_gist(u, gist_terms):
                rest += rarity
                rest_got += rarity * share
        return Coverage(got / self._total, min(1.0, missing / MISSING_WORDS), rest_got / rest if rest else 1.0)


@dataclass(frozen=True, slots=True)
class Coverage:
    """What an article covers of a question's words, each weighed by its rarity."""

    asked: float  # 0-1: the share of the question's words the article covers
    missing: float  # 0-1: the words it leaves out, summed (1: MISSING_WORDS words no article has, asked)
    # 0-1: the share it covers of the words that name none of its gist: what the question wants done or
    # known about the subject ("as store credit" of a refund, 转给别人 of points); 1 when there are none.
    rest: float


def _names_gist(unit: Unit, gist_terms: frozenset[str]) -> bool:
    """Whether a question word names one of the article's gist concepts (itself, a thesaurus member or a
    typo fix; a Chinese word also through a thesaurus entry spanning all of it)."""
    if not unit.alts.isdisjoint(gist_terms):
        return True
    return any(p.strength == 1.0 and p.end - p.start == unit.size and p.term in gist_terms for p in unit.parts)
