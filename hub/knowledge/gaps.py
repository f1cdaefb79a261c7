"""The gap report: what customers ask that no article answers confidently, grouped by meaning, ranked by count.

Only questions whose suggestions were all under the confidence threshold are logged (hub.knowledge.base).
Two questions are one when their search terms (English stems, jieba words, pinyin pairs: the ranker's own,
so "pay with bitcoin" and "bitcoin payments" or 比特币 and a homophone typo meet) have a cosine similarity
of SAME_QUESTION or more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from hub.clock import utcnow
from hub.db.engine import Database
from hub.knowledge.index import SuggestionIndex
from hub.knowledge.tables import UnansweredQuery
from hub.knowledge.terms import weighted_terms

# Cosine of the term vectors at which two queries count as one question.
SAME_QUESTION = 0.35
MAX_ROWS = 20_000


@dataclass
class Gap:
    question: str
    locale: str
    count: int = 0
    last_seen: datetime | None = None
    examples: list[str] = field(default_factory=list)
    ticket_ids: list[int] = field(default_factory=list)
    _keys: list[dict[str, float]] = field(default_factory=list)

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
    """With the live index, words weigh by their rarity in the articles ("pay" joins nothing, "bitcoin" does)."""
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
    gaps: list[Gap] = []
    for row in rows:
        key = meaning(row.query, index)
        if not key:
            continue
        group = next((g for g in gaps if g.locale == row.locale and _similar(key, g._keys)), None)
        if group is None:
            group = Gap(question=row.query, locale=row.locale, last_seen=row.created_at)
            gaps.append(group)
        if len(group._keys) < 10 and key not in group._keys:
            group._keys.append(key)
        group.count += 1
        if len(group.examples) < 5 and row.query not in group.examples:
            group.examples.append(row.query)
        if row.ticket_id and len(group.ticket_ids) < 10 and row.ticket_id not in group.ticket_ids:
            group.ticket_ids.append(row.ticket_id)
    gaps.sort(key=lambda g: (-g.count, g.question))
    return gaps[:limit]


def meaning(query: str, index: SuggestionIndex | None = None) -> dict[str, float]:
    """The query's search terms weighted by IDF, single Chinese characters left out (they join unrelated
    questions)."""
    terms = weighted_terms(query, True)
    return {t: w * (index.idf(t) if index else 1.0) for t, w in terms.items() if len(t) > 1 or t.isascii()}


def similarity(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(w * b[t] for t, w in a.items() if t in b)
    if not dot:
        return 0.0
    return dot / math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))


def _similar(key: dict[str, float], keys: list[dict[str, float]]) -> bool:
    return any(similarity(key, other) >= SAME_QUESTION for other in keys)
