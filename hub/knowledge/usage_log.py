"""What suggestions leave behind, buffered off the hot path: how often each article was suggested (counted per
day) and every question with no confident answer (the gap report's input), written in short transactions."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hub.clock import utcnow
from hub.db.engine import Database, is_conflict
from hub.db.upserts import insert_for
from hub.knowledge.tables import ArticleDay, UnansweredQuery

log = logging.getLogger(__name__)
CONFLICT_TRIES = 3  # a batch PostgreSQL undid for a concurrent writer is written again, this many times
# Rows per transaction: a flush holds the database's write lock, and every inbound contact waits for that lock.
# 200 rows take a few ms; a whole flush at 1,000 messages a second (a thousand questions every two seconds) held
# it for tens of ms, every inbound acknowledgement of the moment waiting behind it.
CHUNK = 200


class UsageLog:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._suggested: Counter[int] = Counter()
        self._unanswered: list[dict[str, Any]] = []
        self._flushing: asyncio.Future[None] | None = None

    def suggested(self, article_ids: Iterable[int]) -> None:
        self._suggested.update(article_ids)

    def unanswered(self, query: str, locale: str, best_score: float | None, ticket_id: int | None) -> None:
        self._unanswered.append({"query": query, "locale": locale, "best_score": best_score, "ticket_id": ticket_id})

    def pending(self) -> int:
        return len(self._suggested) + len(self._unanswered)

    async def flush(self) -> None:
        """Write what is buffered, after any flush under way. A caller cancelled meanwhile (the server stopping)
        does not cut the writing short: what it took from the buffer is written, and the next flush waits for it."""
        if self._flushing is not None and not self._flushing.done():
            await asyncio.shield(self._flushing)
        self._flushing = asyncio.ensure_future(self._write_buffered())
        await asyncio.shield(self._flushing)

    async def _write_buffered(self) -> None:
        counts, self._suggested = self._suggested, Counter()
        unanswered, self._unanswered = self._unanswered, []
        # The day of the flush: a suggestion made in the last seconds before midnight counts for the next day.
        day = utcnow().date()
        rows = [{"article_id": a, "day": day, "suggested": n} for a, n in sorted(counts.items())]
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            await self._write(len(chunk), partial(_add_counts, rows=chunk))
        # Rows name their tickets (a key-share lock on each): in ticket order, as other writers take them.
        unanswered.sort(key=_by_ticket)
        for start in range(0, len(unanswered), CHUNK):
            chunk = unanswered[start : start + CHUNK]
            await self._write(len(chunk), partial(_insert, rows=chunk))

    async def _write(self, n: int, statement: Callable[[AsyncSession], Awaitable[None]]) -> None:
        for attempt in range(1, CONFLICT_TRIES + 1):
            try:
                async with self._db.write() as uow:
                    await statement(uow.session)
                return
            except Exception as exc:
                if is_conflict(exc) and attempt < CONFLICT_TRIES:
                    continue  # PostgreSQL undid it for a concurrent writer (a deadlock): nothing kept, write again
                # Usage statistics only: a failed batch is logged, never retried into a growing backlog.
                log.exception("dropping %d knowledge usage rows", n)
                return


async def _add_counts(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """One row per article and day, added to: INSERT ... ON CONFLICT DO UPDATE on both databases."""
    statement = insert_for(session.get_bind().dialect.name == "sqlite")(ArticleDay).values(rows)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[ArticleDay.article_id, ArticleDay.day],
            set_={"suggested": ArticleDay.suggested + statement.excluded.suggested},
        )
    )


async def _insert(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    await session.execute(insert(UnansweredQuery), rows)


def _by_ticket(row: dict[str, Any]) -> int:
    return row["ticket_id"] or 0
