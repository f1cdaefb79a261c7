"""A service thesaurus: the everyday words customers use for what support articles call by their own name.

Customers rarely write an article's words: "my money back" for refund, "the vase was in pieces" for
damaged, "got kicked out" for locked, 钱咋还没回来 for 退款. Each group of concepts.py is one concept of online
retail support; a question word or phrase from a group also searches the group's other members (the ones
some article contains) at SYNONYM_WEIGHT, below the words the customer actually wrote. English entries are
matched as stems of their base form ("sent" is "send": lemmas.py); phrases as runs of such words ("bringing
it back" holds "bring it back"), Chinese entries as substrings of the lower-cased question (jieba may cut a
customer's wording differently from the article's).
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from functools import lru_cache

from hub.knowledge.concepts import GROUPS

SYNONYM_WEIGHT = 0.6
GAP = 2  # words a two-word phrase may have between its words ("send the shoes back")
# English particles: with a verb they make a phrase ("send back", "log out"), alone they name nothing.
_PARTICLES = frozenset(("back", "out", "down", "off", "up", "in", "on", "over", "away"))
_FUNCTION = frozenset(("cannot", "cant", "dont", "didnt", "doesnt", "wont", "isnt", "longer", "never"))
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Counts that do not add up say something is missing: "only 2 of the 3 shirts", 三件只来了两件.
_N_EN = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
_N_ZH = r"[\d一二两三四五六七八九十]+"
_SHORT = re.compile(
    rf"\bonly (?:got |received |came with )?{_N_EN} (?:of|out of) (?:the |my )?{_N_EN}\b"
    rf"|{_N_ZH}[件个样套双].{{0,10}}只(?:来|到|收到|发|寄)了?{_N_ZH}[件个样套双]"
)
_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, tuple[str, ...]], list[tuple[str, tuple[str, ...]]]]:
    """Single terms -> the group's index terms; phrases (several English words, as the padded run of their
    terms that _matchable holds; Chinese entries as written) -> the same."""
    from hub.knowledge.terms import stem, word_term

    def forms(word: str) -> tuple[str, ...]:  # as articles index it, and as its base form ("forgot", "forget")
        return tuple(dict.fromkeys((stem(word), word_term(word))))

    by_term: dict[str, list[str]] = {}
    phrases: list[tuple[str, tuple[str, ...]]] = []
    # A word of phrases of two concepts says neither: "back" is of "money back" (refund) and "send back"
    # (return), so "send it back" does not offer it (the word "refund" still offers the refund's "back").
    concepts_of = _phrase_words_concepts()
    for line in GROUPS:
        members = line.split("|")
        terms: list[str] = []
        for m in members:
            words = _WORD.findall(m.replace("'", ""))
            if _CJK.search(m):
                terms.append(m)
            elif len(words) == 1:
                terms.extend(forms(words[0]))
            else:
                # A phrase also offers its own words, but not the ones that only make it a phrase: "can't
                # remember" must not offer "cannot" (of "cannot pay").
                terms.extend(word_term(w) for w in words if w not in _FUNCTION)
        group = tuple(dict.fromkeys(terms))
        phrased = tuple(t for t in group if len(concepts_of.get(t, ())) < 2)
        for m in members:
            words = _WORD.findall(m.replace("'", ""))
            if len(words) == 1 and not _CJK.search(m):
                for term in forms(words[0]):
                    by_term.setdefault(term, []).extend(group)
            elif _CJK.search(m):  # matched in the text: jieba may cut the customer's wording differently
                phrases.append((m, group))
            else:
                phrases.append((" " + " ".join(word_term(w) for w in words) + " ", phrased))
    return {k: tuple(dict.fromkeys(v)) for k, v in by_term.items()}, phrases


def related(
    query: str, weights: Mapping[str, float], postings: Container[str]
) -> tuple[dict[str, float], int, frozenset[str]]:
    """The indexed terms the question's words and phrases stand for, at SYNONYM_WEIGHT of the word's weight
    (a question word no article uses but the thesaurus understands comes back with weight 0: to be
    dropped), how many of the thesaurus' concepts the question touches (customers asking about the service
    use its concepts, one asking about something else mostly does not), and the question's terms that are
    words of an English phrase it holds: "back" of "send it back" is the phrase's concept, not the "back"
    of "money back", so it should count no more than the concept's other members."""
    by_term, phrases = _tables()
    out: dict[str, float] = {}
    concepts: set[tuple[str, ...]] = set()

    def offer(group: tuple[str, ...], weight: float) -> None:
        if any(term in postings for term in group):  # a concept the articles speak of
            concepts.add(group)
        for term in group:
            if term in postings and weight * SYNONYM_WEIGHT > out.get(term, 0.0):
                out[term] = weight * SYNONYM_WEIGHT

    for term, weight in weights.items():
        if weight >= 0.5 and term in by_term:
            offer(by_term[term], weight)
            if term not in postings and any(t in postings for t in by_term[term]):
                out[term] = 0.0  # a word no article uses, understood: it no longer counts as unknown
    for term, base in _based(query):  # "undone": its stem is no entry's, its base form's is
        weight = weights.get(term, 0.0)
        if weight >= 0.5 and base in by_term:
            offer(by_term[base], weight)
            if term not in postings and any(t in postings for t in by_term[base]):
                out[term] = 0.0
    text = _matchable(query)
    apart = _apart(query)
    phrased: set[str] = set()
    for phrase, group in phrases:
        if phrase in text or phrase in apart:
            offer(group, 1.0)
            if phrase.startswith(" "):
                words = phrase.split()
                phrased.update(term for term, base in _word_terms(query) if base in words)
    if _SHORT.search(query.lower()):
        offer(by_term[_missing()], 1.0)
    from hub.knowledge.terms import typed_pinyin

    typed = typed_pinyin(query)
    if typed is not None:  # "bu xi huan neng ji hui qu ma": 寄回 said in pinyin is the return's
        sounds = _sounded()
        for entry, group in phrases:
            if entry in sounds and sounds[entry] in typed:
                # Its other Chinese members: the question is Chinese, and the member said already meets its
                # articles through its pinyin pairs.
                # (As an English phrase's members do, they count as a concept of their own in `service`: the
                # confidence was fitted with it so.)
                offer(tuple(t for t in group if t in sounds and sounds[t] not in typed), 1.0)
    return out, len(concepts), frozenset(phrased)


@lru_cache(maxsize=1)
def _missing() -> str:
    from hub.knowledge.terms import word_term

    return word_term("missing")


@lru_cache(maxsize=1)
def _sounded() -> dict[str, str]:
    """The Chinese entries of two characters or more -> their syllables, padded like typed_pinyin's."""
    from hub.knowledge.terms import syllables_of

    entries = {p for p, _group in _tables()[1] if _CJK.search(p) and len(p) > 1}
    return {p: " " + " ".join(syllables_of(p)) + " " for p in entries}


@lru_cache(maxsize=1)
def thesaurus_words() -> frozenset[str]:
    """The English single-word entries, as terms: words a typo may stand for though no article has them."""
    return frozenset(t for t in _tables()[0] if t.isascii())


@lru_cache(maxsize=1)
def particles() -> frozenset[str]:
    """The particles of phrasal verbs that phrases of two concepts share ("back" of "money back" and "send
    back", "out" of "sold out" and "log out"): alone they say nothing of what is asked."""
    concepts_of = _phrase_words_concepts()
    return frozenset(t for t, c in concepts_of.items() if len(c) > 1 and t in _PARTICLES)


@lru_cache(maxsize=1)
def _phrase_words_concepts() -> dict[str, set[int]]:
    """Each word of the English phrases, as a term, -> the concepts (groups) whose phrases use it."""
    from hub.knowledge.terms import word_term

    concepts_of: dict[str, set[int]] = {}
    for i, line in enumerate(GROUPS):
        for m in line.split("|"):
            words = _WORD.findall(m.replace("'", ""))
            if len(words) > 1 and not _CJK.search(m):
                for w in words:
                    concepts_of.setdefault(word_term(w), set()).add(i)
    return concepts_of


@lru_cache(maxsize=1024)
def _matchable(text: str) -> str:
    """The question as the thesaurus' entries are matched in it: lower-cased (for Chinese entries), then its
    English words as terms, padded with spaces (for phrases, whatever form the customer wrote them in)."""
    from hub.knowledge.terms import word_term

    lowered = text.lower().replace("'", "").replace("’", "")
    return lowered + "\n " + " ".join(word_term(w) for w in _WORD.findall(lowered)) + " "


@lru_cache(maxsize=1024)
def _word_terms(text: str) -> tuple[tuple[str, str], ...]:
    """The question's English words as (stem, stem of the base form): "undone" is ("undon", "undo")."""
    from hub.knowledge.terms import stem, word_term

    words = _WORD.findall(text.lower().replace("'", "").replace("’", ""))
    return tuple(dict.fromkeys((stem(w), word_term(w)) for w in words))


def _based(text: str) -> list[tuple[str, str]]:
    """The question's words whose base form stems differently from the word."""
    return [(term, base) for term, base in _word_terms(text) if term != base]


@lru_cache(maxsize=1024)
def _apart(text: str) -> frozenset[str]:
    """Pairs of the question's English words (as terms) with up to GAP words between them, padded like a
    two-word phrase: "send the shoes back" holds "send back", "take my old coat back" "take back"."""
    from hub.knowledge.terms import word_term
    from hub.knowledge.text import STOPWORDS

    raw = _WORD.findall(text.lower().replace("'", "").replace("’", ""))
    words = [word_term(w) for w in raw]
    # Only content words count as between: "call the whole thing off" holds "call off" as "call it off" does.
    content = [0]
    for w in raw:
        content.append(content[-1] + (w not in STOPWORDS))
    pairs = set()
    for i, a in enumerate(words):
        for j in range(i + 2, len(words)):
            if content[j] - content[i + 1] > GAP:
                break  # the count only grows
            pairs.add(f" {a} {words[j]} ")
    return frozenset(pairs)


def stands_for(term: str, text: str) -> tuple[str, ...]:
    """The thesaurus members a question term stands for in this question: its own concept (an English
    stem), the concept of a phrase of the question it is part of, or of a Chinese entry it is part of.
    Empty when the thesaurus does not know it."""
    by_term, _phrases = _tables()
    out: list[str] = list(by_term.get(term, ()))
    for based in (b for t, b in _based(text) if t == term):
        out.extend(by_term.get(based, ()))
    if _CJK.search(term):
        out.extend(_entries_holding(term))
    else:
        text = _matchable(text)
        for phrase, group in _phrases_of(term):
            if phrase in text:
                out.extend(group)
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=8192)
def _entries_holding(term: str) -> tuple[str, ...]:
    """The members of the concepts whose Chinese entries are this word or hold it (two characters or more)."""
    return tuple(m for phrase, group in _tables()[1] if term == phrase or (term in phrase and len(term) > 1)
                 for m in group)  # fmt: skip


@lru_cache(maxsize=8192)
def _phrases_of(term: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The English phrases of the concepts this term is a member of, with their concept."""
    return tuple((phrase, group) for phrase, group in _tables()[1] if " " in phrase and term in group)


def entries_in(word: str) -> list[tuple[str, tuple[str, ...]]]:
    """The Chinese thesaurus entries a longer word contains (付款 in 分期付款), with their concept."""
    _by_term, phrases = _tables()
    return [(p, group) for p, group in phrases if p != word and p in word and _CJK.search(p)]
