"""Outbox rows claimed in batches under a lease: disjoint between workers, renewed while being sent,
recovered by any worker once a dead one's lease runs out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import OutboxItem

_OUTBOX = cast(Table, OutboxItem.__table__)
_OPEN = ("pending", "sending")


@dataclass(frozen=True, slots=True)
class Claim:
    """One row claimed for one try; (id, attempts) names the claim, as each claim counts a try."""

    id: int
    interaction_id: int
    channel: str
    attempts: int
    created_at: datetime
    requeued_at: datetime | None


async def claim(s: AsyncSession, now: datetime, lease: timedelta, limit: int) -> list[Claim]:
    """Up to `limit` due rows (pending, or sending with a lapsed lease), oldest first, in one statement.
    PostgreSQL: rows another worker is claiming right now are skipped (SKIP LOCKED), not waited for, and a
    row it has just claimed no longer matches when rechecked; SQLite has one writer at a time."""
    t = _OUTBOX
    due = (
        select(t.c.id)
        .where(t.c.status.in_(_OPEN), t.c.next_attempt_at <= now)
        .order_by(t.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        update(t)
        .where(t.c.id.in_(due))
        .values(status="sending", attempts=t.c.attempts + 1, next_attempt_at=now + lease)
        .returning(t.c.id, t.c.interaction_id, t.c.channel, t.c.attempts, t.c.created_at, t.c.requeued_at)
    )
    # On the session's connection: Core rows, without the ORM's per-statement work.
    rows = (await (await s.connection()).execute(stmt)).all()
    return sorted((Claim(*row) for row in rows), key=lambda c: c.id)


async def renew(s: AsyncSession, held: Iterable[tuple[int, int]], until: datetime) -> int:
    """Pushes the lease of claims (id, attempts) still held out to `until`: a live worker keeps what it is
    sending, so no other worker sends it a second time."""
    pairs = list(held)
    if not pairs:
        return 0
    t = _OUTBOX
    result = await s.execute(
        update(t).where(tuple_(t.c.id, t.c.attempts).in_(pairs), t.c.status == "sending").values(next_attempt_at=until)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def release(s: AsyncSession, held: Iterable[tuple[int, int]], now: datetime) -> int:
    """Claims given back unfinished: due again at once, for any worker."""
    pairs = list(held)
    if not pairs:
        return 0
    t = _OUTBOX
    result = await s.execute(
        update(t)
        .where(tuple_(t.c.id, t.c.attempts).in_(pairs), t.c.status == "sending")
        .values(status="pending", next_attempt_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def backlog(s: AsyncSession) -> int:
    """Replies pending or being sent."""
    t = _OUTBOX
    return int(await s.scalar(select(func.count()).select_from(t).where(t.c.status.in_(_OPEN))) or 0)
