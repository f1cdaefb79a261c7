"""The customer's history timeline: written in the same transaction as what it records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import HISTORY, HistoryEntry, Interaction

CONTACT_KINDS = {"inbound": "contact.inbound", "outbound": "contact.outbound"}


async def record(
    session: AsyncSession,
    *,
    customer_id: int,
    kind: str,
    at: datetime,
    summary: str,
    channel: str | None = None,
    ticket_id: int | None = None,
    interaction_id: int | None = None,
) -> None:
    """One timeline entry, as a plain INSERT: this runs for every contact, so no ORM unit of work."""
    row = entry_row(customer_id=customer_id, kind=kind, at=at, summary=summary, channel=channel, ticket_id=ticket_id,
               interaction_id=interaction_id)  # fmt: skip
    await session.execute(_INSERT, row)


async def record_many(session: AsyncSession, entries: list[dict[str, Any]]) -> None:
    """Many timeline entries (record's keyword arguments each) in one executemany: a batch of contacts."""
    if entries:
        await session.execute(_INSERT, [entry_row(**entry) for entry in entries])


def entry_row(
    *,
    customer_id: int,
    kind: str,
    at: datetime,
    summary: str,
    channel: str | None = None,
    ticket_id: int | None = None,
    interaction_id: int | None = None,
) -> dict[str, Any]:
    """A timeline entry as the history table's row (record's keyword arguments; the summary cut to 300)."""
    return {"customer_id": customer_id, "occurred_at": at, "kind": kind, "channel": channel,
            "ticket_id": ticket_id, "interaction_id": interaction_id, "summary": summary[:300]}  # fmt: skip


_INSERT = insert(HISTORY)


@dataclass(frozen=True, slots=True)
class TimelineItem:
    id: int
    kind: str
    occurred_at: datetime
    channel: str | None
    ticket_id: int | None
    interaction_id: int | None
    summary: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "occurred_at": self.occurred_at.isoformat(),
            "channel": self.channel,
            "ticket_id": self.ticket_id,
            "interaction_id": self.interaction_id,
            "summary": self.summary,
        }


async def timeline(
    session: AsyncSession, customer_id: int, limit: int = 200, before: int | None = None
) -> list[TimelineItem]:
    """Newest first; `before` (an entry id from the previous page) pages back through the whole life."""
    query = select(HistoryEntry).where(HistoryEntry.customer_id == customer_id)
    if before is not None:
        query = query.where(HistoryEntry.id < before)
    rows = await session.scalars(query.order_by(HistoryEntry.id.desc()).limit(limit))
    return [
        TimelineItem(r.id, r.kind, r.occurred_at, r.channel, r.ticket_id, r.interaction_id, r.summary) for r in rows
    ]


async def conversation(session: AsyncSession, customer_id: int, channel: str, limit: int) -> list[Interaction]:
    """What the customer saw on one channel, oldest first: their messages and our replies, no notes."""
    rows = await session.scalars(
        select(Interaction)
        .where(
            Interaction.customer_id == customer_id,
            Interaction.channel == channel,
            Interaction.direction.in_(("inbound", "outbound")),
        )
        .order_by(Interaction.created_at.desc(), Interaction.id.desc())
        .limit(limit)
    )
    return list(reversed(list(rows)))
