"""The gap report: what customers ask that no article answers, grouped by meaning, ranked by count.

hub.knowledge.base logs every question whose suggestions were all under the confidence threshold. The
report is stricter: a group of them is reported only when the best suggestion for at least one of its
phrasings stayed under GAP_THRESHOLD (lower), because agents write articles from it and each entry should
be a real gap; and it asks the live index again for the top groups, so a question that an article
written since answers drops out. Two questions are
one when their search terms (English stems, jieba words, pinyin pairs: the ranker's own, so "pay with
bitcoin" and "bitcoin payments" meet; and Chinese character pairs) have a cosine similarity of
SAME_QUESTION or more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise

from sqlalchemy import select

from hub.clock import utcnow
from hub.db.engine import Database
from hub.knowledge.confidence import GAP_THRESHOLD
from hub.knowledge.index import SuggestionIndex
from hub.knowledge.tables import UnansweredQuery
from hub.knowledge.terms import _CHAR_STOP, weighted_terms
from hub.knowledge.text import _RUNS

# Cosine of the term vectors at which two queries count as one question.
SAME_QUESTION = 0.35
PAIR_WEIGHT = 0.5
MAX_ROWS = 20_000


@dataclass
class Gap:
    question: str
    locale: str
    count: int = 0
    last_seen: datetime | None = None
    examples: list[str] = field(default_factory=list)
    ticket_ids: list[int] = field(default_factory=list)
    lowest: float = 100.0  # the best suggestion's confidence x 100 for the least answered of its questions
    _keys: list[dict[str, float]] = field(default_factory=list)
    members: list[int] = field(default_factory=list)  # positions of its questions in group()'s input

    def to_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "locale": self.locale,
            "count": self.count,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "examples": self.examples,
            "ticket_ids": self.ticket_ids,
        }


async def gap_report(db: Database, days: int = 30, limit: int = 50, index: SuggestionIndex | None = None) -> list[Gap]:
    """With the live index, words weigh by their rarity in the articles ("pay" joins nothing, "bitcoin" does)
    and the groups are checked against today's articles."""
    since = utcnow() - timedelta(days=days)
    async with db.read() as s:
        rows = list(
            await s.scalars(
                select(UnansweredQuery)
                .where(UnansweredQuery.created_at >= since)
                .order_by(UnansweredQuery.created_at.desc())
                .limit(MAX_ROWS)
            )
        )
    # A group is a gap when one of its phrasings found nothing close (GAP_THRESHOLD); it counts them all.
    gaps = [g for g in group(rows, index) if g.lowest < 100 * GAP_THRESHOLD]
    if index is None:
        return gaps[:limit]
    # One search per group, for the groups shown only: bounded work on the event loop.
    return [g for g in gaps[: limit * 2] if still_open(index, g.question, g.locale)][:limit]


def group(rows: list[UnansweredQuery], index: SuggestionIndex | None = None) -> list[Gap]:
    """Newest first in, most asked first out."""
    gaps: list[Gap] = []
    for position, row in enumerate(rows):
        key = meaning(row.query, index)
        if not key:
            continue
        found = next((g for g in gaps if g.locale == row.locale and _similar(key, g._keys)), None)
        if found is None:
            found = Gap(question=row.query, locale=row.locale, last_seen=row.created_at)
            gaps.append(found)
        if len(found._keys) < 10 and key not in found._keys:
            found._keys.append(key)
        found.count += 1
        found.members.append(position)
        found.lowest = min(found.lowest, row.best_score or 0.0)
        if len(found.examples) < 5 and row.query not in found.examples:
            found.examples.append(row.query)
        if row.ticket_id and len(found.ticket_ids) < 10 and row.ticket_id not in found.ticket_ids:
            found.ticket_ids.append(row.ticket_id)
    gaps.sort(key=lambda g: (-g.count, g.question))
    return gaps


def still_open(index: SuggestionIndex, question: str, locale: str) -> bool:
    """No article answers the question today, not even one written after it was asked: no confident
    suggestion (the group already passed GAP_THRESHOLD; its newest phrasing need not be that far off)."""
    return not any(h.confident for h in index.search(question, locale, limit=3))


def meaning(query: str, index: SuggestionIndex | None = None) -> dict[str, float]:
    """The query's search terms weighted by IDF, single Chinese characters left out (they join unrelated
    questions), pairs of adjacent characters in (门店 and 线下店 share no jieba word, 线下 they share). The
    thesaurus stays out: its concepts are the service's, and questions no article answers are mostly about
    something else (with it, "pay by PayPal" and "pay in installments" became one gap)."""
    terms = dict(weighted_terms(query, True))
    for run in _RUNS.findall(query):
        for a, b in pairwise(run):
            if a not in _CHAR_STOP and b not in _CHAR_STOP:
                terms[a + b] = max(terms.get(a + b, 0.0), PAIR_WEIGHT)
    return {t: w * (index.idf(t) if index else 1.0) for t, w in terms.items() if len(t) > 1 or t.isascii()}


def similarity(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(w * b[t] for t, w in a.items() if t in b)
    if not dot:
        return 0.0
    return dot / math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))


def _similar(key: dict[str, float], keys: list[dict[str, float]]) -> bool:
    return any(similarity(key, other) >= SAME_QUESTION for other in keys)
