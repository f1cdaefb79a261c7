"""What a search box's text becomes: terms, an FTS5 MATCH or a PostgreSQL tsquery, and a highlighted snippet."""

from __future__ import annotations

import html
import re

from hub.knowledge.text import STOPWORDS, tokens

_SAFE = re.compile(r"[^0-9a-z\u3400-\u9fff\uf900-\ufaff]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MAX_TERMS = 12


def index_words(text: str) -> str:
    """The words a text is indexed under: the knowledge index's tokens (jieba's search mode for Chinese: the
    words and their sub-words), space-separated so both engines split them where jieba did."""
    return " ".join(_SAFE.sub(" ", t).strip() for t in tokens(text) if _SAFE.sub("", t))


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
    """A window of the original text around the first term found, HTML-escaped, terms in <mark>. English terms
    are found by their start (a query "refund" marks "refunds"); the stemmed match may be elsewhere, then
    the text's beginning is shown."""
    flat = " ".join(text.split())
    lower = flat.lower()
    found = [(lower.find(t), t) for t in terms if t and lower.find(t) >= 0]
    start = max(0, min(found)[0] - width // 3) if found else 0
    window = flat[start : start + width]
    pattern = "|".join(re.escape(t) for t in sorted({t for _, t in found}, key=len, reverse=True))
    out, last = [], 0
    if pattern:
        for m in re.finditer(pattern, window, flags=re.IGNORECASE):
            out.append(html.escape(window[last : m.start()]) + f"<mark>{html.escape(m.group())}</mark>")
            last = m.end()
    out.append(html.escape(window[last:]))
    prefix = "…" if start else ""
    suffix = "…" if start + width < len(flat) else ""
    return prefix + "".join(out) + suffix
