"""The gap report: what customers ask that no article answers, grouped and ranked by frequency."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rapidfuzz import fuzz
from sqlalchemy import select

from hub.clock import utcnow
from hub.db.engine import Database
from hub.knowledge.tables import UnansweredQuery
from hub.knowledge.text import key_terms

# token_set_ratio of the key terms (stopwords dropped) at which two queries count as one question; measured:
# same-topic paraphrases score 68-78, different topics under 15.
SAME_QUESTION = 65.0
MAX_ROWS = 20_000


@dataclass
class Gap:
    question: str
    locale: str
    count: int = 0
    last_seen: datetime | None = None
    examples: list[str] = field(default_factory=list)
    ticket_ids: list[int] = field(default_factory=list)
    _keys: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "locale": self.locale,
            "count": self.count,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "examples": self.examples,
            "ticket_ids": self.ticket_ids,
        }


async def gap_report(db: Database, days: int = 30, limit: int = 50) -> list[Gap]:
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
        key = " ".join(sorted(key_terms(row.query)))
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


def _similar(key: str, keys: list[str]) -> bool:
    return any(fuzz.token_set_ratio(key, other) >= SAME_QUESTION for other in keys)
