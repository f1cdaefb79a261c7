"""What an article answers, from its own phrasings: the concepts its title, variants and tags keep repeating.

An article's question variants are the ways its writer expected it to be asked ("I forgot my password",
"how do I change my password", "password reset email not received"); a concept most of them use
(password) is what the article is about, one that a single phrasing uses (email, change) is how that
phrasing put it. A near miss shares some of those passing words but asks about another thing ("How do I
change the email I use to log in", 怎么修改登录邮箱): it names little of the gist, while a customer asking
what the article answers names it, in their own words: a member of the same thesaurus concept, a typo fix,
or the pinyin of a Chinese word.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache

from hub.knowledge.concepts import GROUPS
from hub.knowledge.terms import _pairs, _run_pinyin, stem, weighted_terms
from hub.knowledge.text import _CJK


@dataclass(frozen=True, slots=True)
class Concept:
    weight: float  # the share of the article's phrasings (title, variants, tags) that use it
    terms: frozenset[str]  # any of these among the question's terms names it (the word, its thesaurus kin)
    # For its Chinese words: each one's pinyin pairs, all of which a pinyin or homophone question names.
    spoken: tuple[frozenset[str], ...]


@lru_cache(maxsize=1)
def _kin() -> dict[str, frozenset[str]]:
    """A thesaurus member (one English word as a stem, or a Chinese entry) -> the members of its concepts
    of that kind. Multi-word entries are left out: "where is my" would make "is" a tracking word; a
    question's phrase ("money back") still names the concept through the members it adds to its terms."""
    out: dict[str, frozenset[str]] = {}
    for line in GROUPS:
        members = frozenset(m if _CJK.search(m) else stem(m) for m in line.split("|") if _CJK.search(m) or m.isalpha())
        for m in members:
            out[m] = out.get(m, frozenset()) | members
    return out


def gist(title: str, variants: list[str], tags: list[str]) -> tuple[Concept, ...]:
    """The article's concepts, each weighed by how many of its phrasings use it (as words, no helpers)."""
    phrasings = [p for p in (title, *variants, *tags) if p.strip()]
    kin = _kin()
    found: dict[frozenset[str], tuple[set[int], set[str]]] = {}
    for i, phrase in enumerate(phrasings):
        for term in weighted_terms(phrase, False, False):
            if len(term) > 1:
                where, words = found.setdefault(kin.get(term, frozenset((term,))), (set(), set()))
                where.add(i)
                words.add(term)
    out = []
    for terms, (where, words) in found.items():
        spoken = tuple(frozenset(_pairs(list(_run_pinyin(w)))) for w in sorted(words) if _CJK.match(w))
        out.append(Concept(len(where) / len(phrasings), terms, spoken))
    return tuple(out)


def _names(concept: Concept, question: Container[str]) -> bool:
    return any(t in question for t in concept.terms) or any(all(p in question for p in s) for s in concept.spoken)


def named(concepts: tuple[Concept, ...], question: Container[str]) -> float:
    """The weighted share of the article's concepts that the question's search terms name."""
    total = sum(c.weight for c in concepts)
    if not total:
        return 0.0
    return sum(c.weight for c in concepts if _names(c, question)) / total


def names_main(concepts: tuple[Concept, ...], question: Container[str]) -> bool:
    """Whether the question names the article's main concept (the one most of its phrasings use; any of
    them when several tie): "change the email I use to log in" names three passing concepts of the password
    article, never "password" itself."""
    top = max((c.weight for c in concepts), default=0.0)
    return any(c.weight == top and _names(c, question) for c in concepts)
