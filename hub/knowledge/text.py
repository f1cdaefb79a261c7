"""Text for knowledge: Markdown to safe HTML, locale guess, and tokens for English and Chinese."""

from __future__ import annotations

import logging
import re
import threading
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

import nh3

from hub.imports import without
from hub.knowledge import jieba_words

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_OR_ASCII = re.compile(r"[\x00-\x7f\u3400-\u9fff\uf900-\ufaff]+")


def _not_letters(*spans: tuple[int, int]) -> re.Pattern[str]:
    """The code points of these spans that str.isalpha does not count (in this Python's Unicode tables)."""
    points = [c for lo, hi in spans for c in range(lo, hi + 1) if not chr(c).isalpha()]
    runs: list[tuple[int, int]] = []
    for c in points:
        if runs and runs[-1][1] == c - 1:
            runs[-1] = (runs[-1][0], c)
        else:
            runs.append((c, c))
    return re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in runs) + "]" if runs else "(?!)")


# Counted as Chinese characters but not letters: the Yijing hexagrams (U+4DC0-4DFF) and unassigned code points.
_CJK_NOT_LETTERS = _not_letters((0x3400, 0x9FFF), (0xF900, 0xFAFF))
_NOT_ASCII_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_RUNS = re.compile(r"([\u3400-\u9fff\uf900-\ufaff]+)")
_jieba_ready = threading.Lock()
_loaded: list[Any] = []  # jieba, once its dictionary is loaded

# Words too common to say anything about a question; they still count when scoring candidates.
STOPWORDS = frozenset(
    (
        "a",
        "an",
        "the",
        "i",
        "my",
        "me",
        "you",
        "your",
        "we",
        "our",
        "is",
        "are",
        "was",
        "be",
        "to",
        "of",
        "in",
        "on",
        "for",
        "and",
        "or",
        "how",
        "do",
        "does",
        "can",
        "what",
        "why",
        "when",
        "where",
        "which",
        "who",
        "it",
        "this",
        "that",
        "with",
        "from",
        "at",
        "by",
        "not",
        "no",
        "please",
        "hi",
        "hello",
        "我",
        "你",
        "您",
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "是",
        "在",
        "有",
        "和",
        "请问",
        "怎么",
        "怎么办",
        "如何",
        "什么",
        "为什么",
        "可以",
        "能",
        "一下",
        "一个",
        "这个",
        "那个",
        "请",
        "谢谢",
        "你好",
        "我们",
    )
)


@cache
def _markdown() -> MarkdownIt:
    # Imported on the first article saved or previewed: markdown-it is 60 modules an idle server never runs.
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str) -> str:
    """Raw HTML in the source is escaped by the renderer, and the result is sanitized again."""
    return nh3.clean(_markdown().render(text))


def guess_locale(text: str) -> str:
    """Chinese when at least a fifth of the letters are Chinese characters (str.isalpha's letters)."""
    cjk = len(text) - len(_CJK.sub("", text))
    if not cjk:
        return "en"
    # The letters counted in C where they are ASCII (a Python loop per character took 0.15 ms per 4,000); only the
    # rest (punctuation, kana, accented letters) one by one; the few Chinese-range code points that are no letters
    # (a hexagram) are taken back out.
    letters = cjk - (len(text) - len(_CJK_NOT_LETTERS.sub("", text)))
    letters += len(text.encode("ascii", "ignore").translate(None, _NOT_ASCII_LETTERS))
    letters += sum(1 for ch in _CJK_OR_ASCII.sub("", text) if ch.isalpha())
    return "zh-CN" if letters and cjk / letters >= 0.2 else "en"


def prepare() -> None:
    """Load jieba's dictionary (about a second, once per process): the server does it in a background thread
    after start, so neither start-up nor the first Chinese message waits for it on the event loop."""
    _jieba()


def _jieba() -> Any:  # jieba has no type hints
    # Imported when first needed: jieba (and the pkg_resources it pulls in) costs every `hub` command a tenth
    # of a second at import, and its dictionary about a second more.
    if _loaded:  # once loaded, no import machinery or lock per call (it is called for every run of Chinese)
        return _loaded[0]
    with without("pkg_resources"):  # 12 MB of imports jieba uses only to open its dictionary file
        import jieba

    with _jieba_ready:
        if not jieba.dt.initialized:
            jieba.setLogLevel(logging.WARNING)
            # Its table mapped from the hub's cache file (built once per host), never a 53 MB dict per process.
            jieba_words.load(jieba)
        _loaded[:] = [jieba]
    return jieba


# A run of Chinese characters is segmented the same way in any text, and the short ones come back in text after
# text (订单, 退款, 谢谢, 还没到): each is segmented once. Long runs rarely recur and are not kept. On varied texts
# 2,048 runs catch 65% of them (8,192: 69%, for 7 MB instead of 1.8).
_RUN_CACHED = 24


@lru_cache(maxsize=2048)
def _cached_run_words(run: str) -> tuple[str, ...]:
    return _segment(run)


def _segment(run: str) -> tuple[str, ...]:
    """Search mode from the precise cut, as jieba's cut_for_search makes it (each word's two- and three-character
    pieces that are dictionary words, then the word): one segmentation of the run serves both modes."""
    freq = _jieba().dt.FREQ
    out: list[str] = []
    for w in precise_words(run):
        if len(w) > 2:
            out.extend(g for i in range(len(w) - 1) if freq.get(g := w[i : i + 2]))
        if len(w) > 3:
            out.extend(g for i in range(len(w) - 2) if freq.get(g := w[i : i + 3]))
        out.append(w)
    return tuple(w for w in out if w.strip())


def run_words(run: str) -> tuple[str, ...]:
    """jieba's search-mode words of one run of Chinese characters (the words and their sub-words)."""
    return _cached_run_words(run) if len(run) <= _RUN_CACHED else _segment(run)


@lru_cache(maxsize=2048)
def _cached_precise(run: str) -> tuple[str, ...]:
    return tuple(_jieba().lcut(run))


def precise_words(run: str) -> tuple[str, ...]:
    """jieba's precise cut of one run of Chinese characters (whole words, no sub-words)."""
    return _cached_precise(run) if len(run) <= _RUN_CACHED else tuple(_jieba().lcut(run))


@lru_cache(maxsize=2048)
def tokens(text: str) -> tuple[str, ...]:
    """Lower-cased words; Chinese runs segmented with jieba (search mode: also the sub-words)."""
    text = text.lower()
    out: list[str] = []
    for chunk in _RUNS.split(text):
        if not chunk:
            continue
        if _CJK.match(chunk):
            out.extend(run_words(chunk))
        else:
            out.extend(_WORD.findall(chunk))
    return tuple(out)


def spaced(text: str) -> str:
    """The form rapidfuzz compares: tokens joined by spaces, so word order and segmentation line up."""
    return " ".join(tokens(text))


def key_terms(text: str) -> set[str]:
    return {t for t in tokens(text) if t not in STOPWORDS and (len(t) > 1 or _CJK.match(t))}
