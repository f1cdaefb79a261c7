"""The customer's history timeline: written in the same transaction as what it records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import HistoryEntry, Interaction, Ticket


def record_interaction(session: AsyncSession, interaction: Interaction) -> None:
    kind = {"inbound": "contact.inbound", "outbound": "contact.outbound"}.get(interaction.direction)
    if kind is None:  # notes and system lines live on the ticket, not in what the customer experienced
        return
    session.add(
        HistoryEntry(
            customer_id=interaction.customer_id,
            occurred_at=interaction.created_at,
            kind=kind,
            channel=interaction.channel,
            ticket_id=interaction.ticket_id,
            interaction_id=interaction.id,
            summary=interaction.text[:300],
        )
    )


def record_ticket(session: AsyncSession, ticket: Ticket, kind: str, at: datetime) -> None:
    session.add(
        HistoryEntry(
            customer_id=ticket.customer_id,
            occurred_at=at,
            kind=kind,
            channel=ticket.channel,
            ticket_id=ticket.id,
            summary=ticket.subject[:300],
        )
    )


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


async def timeline(session: AsyncSession, customer_id: int, limit: int = 200) -> list[TimelineItem]:
    """Newest first."""
    rows = await session.scalars(
        select(HistoryEntry)
        .where(HistoryEntry.customer_id == customer_id)
        .order_by(HistoryEntry.occurred_at.desc(), HistoryEntry.id.desc())
        .limit(limit)
    )
    return [
        TimelineItem(r.id, r.kind, r.occurred_at, r.channel, r.ticket_id, r.interaction_id, r.summary) for r in rows
    ]


async def conversation(session: AsyncSession, customer_id: int, channel: str, limit: int) -> list[Interaction]:
    """What the customer saw on one channel, oldest first: their messages and our replies, no notes."""
    rows = await session.scalars(
        select(Interaction)
        .join(Ticket, Ticket.id == Interaction.ticket_id)
        .where(
            Interaction.customer_id == customer_id,
            Interaction.channel == channel,
            Interaction.direction.in_(("inbound", "outbound")),
        )
        .order_by(Interaction.created_at.desc(), Interaction.id.desc())
        .limit(limit)
    )
    return list(reversed(list(rows)))
