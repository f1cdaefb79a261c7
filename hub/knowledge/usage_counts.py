"""How often articles were suggested and inserted over the last 30 UTC days, as the knowledge pages show it: one
grouped query for a whole list, two small ones for one article's days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.knowledge.tables import ArticleDay, ArticleEvent

WINDOW_DAYS = 30  # today and the 29 days before it, in UTC dates: the days kb_article_days counts


def first_day(today: date) -> date:
    return today - timedelta(days=WINDOW_DAYS - 1)


async def suggested_per_article(s: AsyncSession, today: date) -> dict[int, int]:
    """Suggestions in the window for every article suggested in it: one GROUP BY, whatever the list's length
    (a sort by it needs every article's count, not only the page's)."""
    stmt = (
        select(ArticleDay.article_id, func.sum(ArticleDay.suggested))
        .where(ArticleDay.day >= first_day(today), ArticleDay.day <= today)
        .group_by(ArticleDay.article_id)
    )
    return {article_id: int(n or 0) for article_id, n in await s.execute(stmt)}


@dataclass(frozen=True, slots=True)
class ArticleUsage:
    """One article's window: suggestions per day (oldest first, a day without any counts 0) and insertions."""

    days: list[tuple[date, int]]
    inserted: int

    @property
    def suggested(self) -> int:
        return sum(n for _, n in self.days)

    def to_json(self) -> dict[str, Any]:
        return {
            "suggested_30d": self.suggested,
            "inserted_30d": self.inserted,
            "suggested_days": [{"day": d.isoformat(), "suggested": n} for d, n in self.days],
        }


async def article_usage(s: AsyncSession, article_id: int, today: date) -> ArticleUsage:
    first = first_day(today)
    rows = await s.execute(
        select(ArticleDay.day, ArticleDay.suggested).where(
            ArticleDay.article_id == article_id, ArticleDay.day >= first, ArticleDay.day <= today
        )
    )
    counted: dict[date, int] = {day: n for day, n in rows}  # noqa: C416 (rows, not pairs, to mypy)
    # Insertions over the same days, so the share compares like with like (the usefulness counts are all-time).
    since = datetime.combine(first, time.min, tzinfo=UTC)
    inserted = await s.scalar(
        select(func.count())
        .select_from(ArticleEvent)
        .where(ArticleEvent.article_id == article_id, ArticleEvent.kind == "inserted", ArticleEvent.created_at >= since)
    )
    days = [first + timedelta(days=i) for i in range(WINDOW_DAYS)]
    return ArticleUsage([(d, counted.get(d, 0)) for d in days], int(inserted or 0))
