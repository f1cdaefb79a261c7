"""The drain's work list: unowned active tickets on channels someone has room for, most urgent first."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.clock import utcnow
from hub.db.models import Customer, Queue, Ticket
from hub.routing.config import RoutingConfig
from hub.routing.index import RosterIndex
from hub.routing.urgency import urgency
from hub.tickets.model import ACTIVE, priority_order

WAITING_SCAN = 1000  # waiting tickets scored per drain, pre-ordered by static priority
# Queues with auto-assignment off: their agents pick the tickets, so the drain never spends its scan on them.
_PICKED_BY_HAND = select(Queue.id).where(Queue.auto_assign.is_(False))


def open_channels(roster: RosterIndex, config: RoutingConfig) -> set[str]:
    """Channels on which at least one available agent has capacity left."""
    return {ch for ch in set(config.capacity) | roster.channels() if roster.room(ch)}


async def most_urgent(s: AsyncSession, channels: set[str], config: RoutingConfig, limit: int) -> list[int]:
    rows = list(
        (
            await s.execute(
                select(Ticket.id, Customer.tier, Ticket.first_response_due_at, Ticket.created_at)
                .join(Customer, Customer.id == Ticket.customer_id)
                .where(Ticket.assignee_id.is_(None), Ticket.status.in_(ACTIVE), Ticket.channel.in_(channels))
                .where(Ticket.queue_id.not_in(_PICKED_BY_HAND))
                .order_by(priority_order(), Ticket.last_message_at, Ticket.id)
                .limit(WAITING_SCAN)
            )
        ).all()
    )
    # Most urgent first by the blended score (tier weight, SLA risk, waiting time).
    now = utcnow()
    rows.sort(
        key=lambda r: (
            -urgency(config.tier_weight(r.tier), r.first_response_due_at, r.created_at, now, config.urgency),
            r.id,
        )
    )
    return [r.id for r in rows[:limit]]
