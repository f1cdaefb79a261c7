"""Read side for tickets: filtered lists and one ticket with its interactions and customer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Customer, Identity, Interaction, Queue, Ticket
from hub.events.snapshots import InteractionSnapshot, TicketSnapshot
from hub.tickets.model import ACTIVE, priority_order


@dataclass(frozen=True, slots=True)
class TicketFilter:
    statuses: tuple[str, ...] = ()
    queue: str | None = None
    channel: str | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    customer_id: int | None = None
    limit: int = 50
    offset: int = 0


def _base() -> Select[Ticket, Customer, str]:
    return (
        select(Ticket, Customer, Queue.name)
        .join(Customer, Customer.id == Ticket.customer_id)
        .join(Queue, Queue.id == Ticket.queue_id)
    )


async def list_tickets(session: AsyncSession, f: TicketFilter) -> list[TicketSnapshot]:
    """Most urgent first, then the longest waiting."""
    stmt = _base()
    if f.statuses:
        stmt = stmt.where(Ticket.status.in_(f.statuses))
    if f.queue:
        stmt = stmt.where(Queue.name == f.queue)
    if f.channel:
        stmt = stmt.where(Ticket.channel == f.channel)
    if f.assignee_id is not None:
        stmt = stmt.where(Ticket.assignee_id == f.assignee_id)
    if f.unassigned:
        stmt = stmt.where(Ticket.assignee_id.is_(None))
    if f.customer_id is not None:
        stmt = stmt.where(Ticket.customer_id == f.customer_id)
    stmt = stmt.order_by(priority_order(), Ticket.last_message_at, Ticket.id).limit(f.limit).offset(f.offset)
    rows = (await session.execute(stmt)).all()
    return [TicketSnapshot.of(t, c, q) for t, c, q in rows]


async def scoped_active(
    session: AsyncSession, queues: list[str], agent_id: int | None, limit: int
) -> list[TicketSnapshot]:
    """A console's working set: active tickets in its queues or assigned to its agent (the same rule the
    pushed events follow, so a fresh fetch and the events agree)."""
    scope: ColumnElement[bool] = Queue.name.in_(queues)
    if agent_id is not None:
        scope = or_(scope, Ticket.assignee_id == agent_id)
    stmt = _base().where(Ticket.status.in_(ACTIVE), scope)
    rows = (
        await session.execute(stmt.order_by(priority_order(), Ticket.last_message_at, Ticket.id).limit(limit))
    ).all()
    return [TicketSnapshot.of(t, c, q) for t, c, q in rows]


def visible_to(message: InteractionSnapshot, agent_id: int | None, supervisor: bool) -> bool:
    """Coaching notes are for the coached agent (and supervisors) only."""
    coach_for = message.meta.get("coach_for") if message.direction == "note" else None
    return coach_for is None or supervisor or coach_for == agent_id


@dataclass(frozen=True, slots=True)
class TicketDetail:
    ticket: TicketSnapshot
    interactions: list[InteractionSnapshot]
    identities: list[tuple[str, str]]


async def ticket_detail(session: AsyncSession, ticket_id: int) -> TicketDetail | None:
    row = (await session.execute(_base().where(Ticket.id == ticket_id))).first()
    if row is None:
        return None
    ticket, customer, queue = row
    interactions = await session.scalars(
        select(Interaction).where(Interaction.ticket_id == ticket_id).order_by(Interaction.created_at, Interaction.id)
    )
    identities = await session.execute(
        select(Identity.kind, Identity.value).where(Identity.customer_id == customer.id).order_by(Identity.id)
    )
    return TicketDetail(
        TicketSnapshot.of(ticket, customer, queue),
        [InteractionSnapshot.of(i) for i in interactions],
        [(k, v) for k, v in identities],
    )
