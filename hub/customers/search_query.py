"""What a search box's text becomes: terms, an FTS5 MATCH or a PostgreSQL tsquery, and a highlighted snippet."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from hub.knowledge.terms import snowball
from hub.knowledge.text import STOPWORDS, tokens

_SAFE = re.compile(r"[^0-9a-z\u3400-\u9fff\uf900-\ufaff]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MAX_TERMS = 12


def index_words(text: str) -> str:
    """The words a text is indexed under: the knowledge index's tokens (jieba's search mode for Chinese: the
    words and their sub-words), space-separated so both engines split them where jieba did."""
    # One pass over the joined tokens rather than two per token (a 200 kB mail has 30,000): the same words, as
    # the engines' separators between and inside tokens ("don't": don t) all become one space.
    return " ".join(_SAFE.sub(" ", " ".join(tokens(text))).split())


def query_terms(q: str) -> list[str]:
    """The terms every hit must have. jieba's search mode gives a word and its parts ("申请退款": 申请, 退款,
    申请退款); only the smallest parts are kept, so "申请了退款" matches too. Stop words go unless nothing else
    is left."""
    words: list[str] = []
    for token in tokens(q):
        words.extend(w for w in _SAFE.sub(" ", token).split() if w not in words)
    smallest = [w for w in words if not (_CJK.match(w) and any(o != w and o in w for o in words))]
    kept = [w for w in smallest if w not in STOPWORDS] or smallest
    return kept[:MAX_TERMS]


def fts5_match(terms: list[str], prefix_last: bool = True) -> str:
    """Every term, the last also as a prefix (the word being typed). Terms hold letters and digits only."""
    parts = [f'"{t}"' for t in terms]
    if parts and prefix_last:
        parts[-1] += "*"
    return " AND ".join(parts)


def tsquery(terms: list[str], prefix_last: bool = True) -> str:
    """The same for to_tsquery: 'a' & 'b' & 'c':*."""
    parts = [f"'{t}'" for t in terms]
    if parts and prefix_last:
        parts[-1] += ":*"
    return " & ".join(parts)


def snippet(text: str, terms: list[str], width: int = 120) -> str:
    """A window of the original text around the first term found, HTML-escaped, terms in <mark>. Chinese terms
    are found where they stand; an English term marks every word it matches as the engines do, by its stem
    ("refunds" marks "refunded" and "refund") or by its start (the word being typed: "deliv" marks "delivery")."""
    flat = " ".join(text.split())
    first = next(_found(flat, terms, 0, len(flat)), None)
    start = max(0, first[0] - width // 3) if first else 0
    end = start + width
    out, last = [], start
    for a, b in _found(flat, terms, start, end):
        out.append(html.escape(flat[last:a]) + f"<mark>{html.escape(flat[a:b])}</mark>")
        last = b
    out.append(html.escape(flat[last:end]))
    prefix = "…" if start else ""
    suffix = "…" if end < len(flat) else ""
    return prefix + "".join(out) + suffix


def _found(flat: str, terms: list[str], start: int, end: int) -> Iterator[tuple[int, int]]:
    """Where the terms are in flat[start:end], in order, as (start, end) spans that do not overlap."""
    lower = flat[start:end].lower()
    chinese = sorted({t for t in terms if t and _CJK.match(t)}, key=len, reverse=True)
    latin = [t for t in terms if t and not _CJK.match(t)]
    stems = {snowball(t) for t in latin}
    # A stem is (nearly) a start of its word: only words starting as a term or its stem are stemmed, so a
    # long message costs a regex pass, not a stemmer call per word.
    starts = {w[:3] for w in (*latin, *stems)}
    words = [rf"(?<![0-9a-z]){re.escape(p)}[0-9a-z]*" for p in sorted(starts, key=len, reverse=True)]
    pattern = "|".join([*(re.escape(t) for t in chinese), *words])
    if not pattern:
        return
    for m in re.finditer(pattern, lower):
        word = m.group()
        if _CJK.match(word) or any(word.startswith(t) for t in latin) or snowball(word) in stems:
            yield start + m.start(), start + m.end()
