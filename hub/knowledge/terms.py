"""Search terms for the suggestion ranker: English stems, jieba words, and pinyin pairs for Chinese.

Every term carries a weight. Chinese text also yields the pinyin of each pair of adjacent characters
("py:mima"), at a lower weight: a homophone typo from a pinyin keyboard (蜜码 for 密码), a word jieba
cuts differently, or a question typed in pinyin ("wang ji mi ma") still meets the article's words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise
from typing import Any

from hub.knowledge.lemmas import lemma
from hub.knowledge.pinyin_tables import lazy_pinyin, words_pinyin
from hub.knowledge.text import _CJK, _RUNS, _WORD, STOPWORDS, precise_words, run_words

PINYIN_WEIGHT = 0.4
# Single Chinese characters, so "开票" still meets 发票 and "券" meets 优惠券; low, and IDF damps the common ones.
CHAR_WEIGHT = 0.3
HELPER_CHARS = 80  # a longer Chinese message is a story: its words are enough, and pinyin would cost ms
_CHAR_STOP = frozenset("的了吗呢吧啊是在有和我你您他她它们这那就都也还又很太要想会能可以个一不没么怎样啥咋哪谁")
# Sentences of a long message; the ones that ask weigh more than the story around them.
_SENTENCE = re.compile(r"[^.!?。！？;；\n]+[.!?。！？;；\n]*")
_ASKS = re.compile(
    r"[?？]|\b(how|what|when|where|why|can|could|will|is there|do you|does|should|please)\b"
    r"|怎么|如何|能不能|能否|可以|吗|呢|哪|多久|多少|什么|咋|谁"
)
# English words with no say about which article answers (beyond the shared stopwords).
_EN_STOP_WORDS = (
    "am been being did done have has had get got just also any some than then there these those they "
    "them their its yet still very really so too much many more most all only own same other again into "
    "out up down over off if as would could should will shall may might must let lets im ive id dont "
    "cant wont pls plz thanks thank u ur ok okay yo hey ugh wtf anyone anything something one thing "
    "stuff long time times "
    # Contractions typed without their apostrophe: not misspellings of some indexed word ("wasnt" is not "want").
    "isnt arent wasnt werent doesnt didnt havent hasnt hadnt couldnt wouldnt shouldnt youre youve theyre "
    "thats theres heres hows whos"
)
_EN_STOP = frozenset(_EN_STOP_WORDS.split())


@lru_cache(maxsize=1)
def _stemmer() -> Any:  # snowballstemmer has no type hints
    import snowballstemmer

    return snowballstemmer.stemmer("english")


# Snowball joins words a help desk must keep apart: "customers" and "customs" are both "custom", so every
# question about customers met the article on customs duties.
_KEPT_APART = {"customer": "customer", "customers": "customer"}


def stem(word: str) -> str:
    # A number is its own stem: order and phone numbers would fill the cache, one entry each.
    return word if word.isdigit() else _stem(word)


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _KEPT_APART.get(word) or snowball(word)


def snowball(word: str) -> str:
    """Snowball's own English stem, as the search engines stem (ticket search highlights by it)."""
    return str(_stemmer().stemWord(word))


def word_term(word: str) -> str:
    """The index term of an English word: its base form (lemmas.py: "sent" -> "send"), stemmed. The customer
    search keeps the plain stem (hub.customers.search_query)."""
    return stem(lemma(word))


def prepare() -> None:
    """Build what the first pinyin look-up would otherwise build on the event loop: the set of syllables, a pass
    over pypinyin's 40,000 characters (a third of a second). Called by the server's warm-up."""
    _syllables()


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    lazy_pinyin()  # pypinyin's tables mapped from the hub's cache file before it is imported
    from pypinyin import pinyin_dict
    from pypinyin.contrib.tone_convert import to_normal

    # 40,000 characters share about 1,500 toned readings: convert each reading once (a tenth of a second).
    toned = {p for v in pinyin_dict.pinyin_dict.values() for p in v.split(",")}
    return frozenset(to_normal(p) for p in toned)


@lru_cache(maxsize=2048)
def _run_pinyin(run: str) -> tuple[str, ...]:
    # Word by word, jieba's precise cut (the run's search words were cut from it already), each word's syllables
    # kept: customers write new sentences of the same few thousand words, and pypinyin's segmenter and tone
    # stripping took a sixth of a busy server's loop on varied Chinese texts (bench/twilio.py --texts varied).
    return tuple(syllable for word in precise_words(run) for syllable in _word_pinyin(word))


@lru_cache(maxsize=8192)
def _word_pinyin(word: str) -> tuple[str, ...]:
    return tuple(words_pinyin()([word]))


def _split_syllables(word: str) -> list[str] | None:
    """ "tuikuan" -> ["tui", "kuan"] (longest syllable first); None when the word is not pinyin."""
    syllables = _syllables()
    out: list[str] = []
    i = 0
    while i < len(word):
        for size in (6, 5, 4, 3, 2, 1):
            if word[i : i + size] in syllables:
                out.append(word[i : i + size])
                i += size
                break
        else:
            return None
    return out


def _pinyin_words(words: list[str]) -> list[str] | None:
    out: list[str] = []
    for w in words:
        split = _split_syllables(w) if len(w) <= 24 and not w.isdigit() else None
        if split is None:
            return None
        out.extend(split)
    return out


def typed_pinyin(text: str) -> str | None:
    """A question typed in pinyin (three syllables or more, no Chinese characters) as its syllables, padded with
    spaces (" ji hui qu ma "): what the thesaurus' Chinese entries are matched in. None for any other text."""
    if _CJK.search(text):
        return None
    syllables = _pinyin_words([w.replace("'", "") for w in _WORD.findall(text.lower())])
    return " " + " ".join(syllables) + " " if syllables and len(syllables) >= 3 else None


def syllables_of(chinese: str) -> tuple[str, ...]:
    """The toneless pinyin of a run of Chinese characters, one syllable a character."""
    return _run_pinyin(chinese)


def _pairs(syllables: list[str]) -> Iterable[str]:
    return ("py:" + a + b for a, b in pairwise(syllables))


@lru_cache(maxsize=2048)
def weighted_terms(text: str, query: bool = False, helpers: bool = True) -> dict[str, float]:
    """Term -> weight (the highest it gets in the text). In a query, Latin words that all read as pinyin
    give pinyin pairs: "wang ji mi ma" (three syllables or more) as Chinese only, "mima" as both.
    Without helpers (article bodies, long messages) no pinyin pairs nor single characters: pypinyin
    costs about 25 µs a character, and a typo matters in a title, not in the middle of an answer."""
    out: dict[str, float] = {}

    def add(term: str, weight: float) -> None:
        if weight > out.get(term, 0.0):
            out[term] = weight

    for chunk in _RUNS.split(text.lower()):
        if not chunk:
            continue
        if _CJK.match(chunk):
            for w in run_words(chunk):  # segmented once per run, shared with the search words
                if w not in STOPWORDS:
                    add(w, 1.0)
            if not helpers:
                continue
            for term in _pairs(list(_run_pinyin(chunk))):
                add(term, PINYIN_WEIGHT)
            for ch in chunk:
                if ch not in _CHAR_STOP:
                    add(ch, CHAR_WEIGHT)
            continue
        words = [w.replace("'", "") for w in _WORD.findall(chunk)]
        syllables = _pinyin_words(words) if query else None
        if syllables is not None and len(syllables) >= 3:
            for term in _pairs(syllables):  # typed in pinyin: as Chinese, not as English words
                add(term, 1.0)
            continue
        for w in words:
            if w in STOPWORDS or w in _EN_STOP or (len(w) < 2 and not w.isdigit()):
                continue
            term = stem(w)
            if term not in STOPWORDS:  # "what's" and "whats" are "what"
                add(term, 1.0)
        for term in _pairs(syllables or []):
            add(term, PINYIN_WEIGHT)
    return out


def asking_sentences(text: str) -> list[tuple[str, float]]:
    """The sentences of a customer's message with their weight: those that ask 1, the story around them 0.5
    (a message with no asking sentence asks in all of them)."""
    sentences = [s for s in _SENTENCE.findall(text) if s.strip()] or [text]
    if len(sentences) < 2:
        return [(text, 1.0)]
    asks = [bool(_ASKS.search(s.lower())) for s in sentences]
    if not any(asks):
        return [(s, 1.0) for s in sentences]
    return [(s, 1.0 if asking else 0.5) for s, asking in zip(sentences, asks, strict=True)]


def asking_weights(text: str) -> dict[str, float]:
    """Terms of a customer's message, the sentences that ask at full weight and the rest at half:
    in a long story the question is what the article must answer."""
    helpers = len(_CJK.findall(text)) <= HELPER_CHARS
    out: dict[str, float] = {}
    for sentence, factor in asking_sentences(text):
        for term, weight in weighted_terms(sentence, True, helpers).items():
            out[term] = max(out.get(term, 0.0), weight * factor)
    return out
