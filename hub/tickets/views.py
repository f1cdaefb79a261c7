"""Read side for tickets: filtered lists and one ticket with its interactions and customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hub.clock import utcnow
from hub.db.models import Customer, Identity, Interaction, Queue, Ticket, sla_breach_at
from hub.events.snapshots import InteractionSnapshot, TicketSnapshot
from hub.tickets.listing import Position, filter_params, page_ids, page_params, rank_of
from hub.tickets.model import ACTIVE, priority_order


@dataclass(frozen=True, slots=True)
class TicketFilter:
    statuses: tuple[str, ...] = ()
    queue: str | None = None
    channel: str | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    customer_id: int | None = None
    tier: str | None = None  # the customer's
    tag: str | None = None
    sla_breached: bool = False  # only tickets whose SLA is breached (sla=breached)
    limit: int = 50
    offset: int = 0
    cursor: str | None = None  # where the previous page ended (TicketPage.next_cursor)
    order: str = "inbox"  # or "recent": most recently active first (hub/tickets/listing.py ORDERS)

    def filters(self) -> tuple[tuple[str, ...], dict[str, Any]]:
        """(the filters given, their bound values): see hub/tickets/listing.py."""
        return filter_params(
            {"queue": self.queue, "channel": self.channel, "assignee_id": self.assignee_id,
             "unassigned": self.unassigned, "customer_id": self.customer_id, "tier": self.tier, "tag": self.tag,
             "sla_breached": self.sla_breached}
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class TicketPage:
    tickets: list[TicketSnapshot]
    next_cursor: str | None  # None: this was the last page


def _base() -> Select[Ticket, Customer, str]:
    return (
        select(Ticket, Customer, Queue.name)
        .join(Customer, Customer.id == Ticket.customer_id)
        .join(Queue, Queue.id == Ticket.queue_id)
    )


# What a list row previews: the last thing the customer or an agent said. Notes (some only a coached agent may
# read) and system lines never show there.
SAID = ("inbound", "outbound")
PREVIEW_CHARS = 100
_LAST = aliased(Interaction, name="last_said")


def _listed() -> Select[Any]:
    """A list row as plain columns (no ORM objects: a page of them is built straight into snapshots) with the
    ticket's last message joined in the same statement: an index step per ticket (ix_interactions_ticket_created
    read backwards), so a page costs no extra round trip."""
    latest = (
        select(Interaction.id)
        .where(Interaction.ticket_id == Ticket.id, Interaction.direction.in_(SAID))
        .order_by(Interaction.created_at.desc(), Interaction.id.desc())
        .limit(1)
        .correlate(Ticket)
        .scalar_subquery()
    )
    text = func.substr(_LAST.text, 1, PREVIEW_CHARS * 4).label("text")  # whitespace collapses: leave room
    return (
        select(*_LISTED, _LAST.direction.label("direction"), text)
        .select_from(Ticket)
        .join(Customer, Customer.id == Ticket.customer_id)
        .join(Queue, Queue.id == Ticket.queue_id)
        .outerjoin(_LAST, _LAST.id == latest)
    )


# The snapshot's fields a list reads as they are, each column named after its field.
_AS_STORED = (
    Ticket.id, Ticket.customer_id, Customer.display_name.label("customer_name"), Customer.tier.label("customer_tier"),
    Ticket.subject, Ticket.status, Ticket.priority, Ticket.channel, Queue.name.label("queue"), Ticket.assignee_id,
    Ticket.first_response_due_at, Ticket.first_responded_at, Ticket.resolution_due_at, Ticket.last_message_at,
    Ticket.created_at, Ticket.updated_at, Ticket.merged_into_id, Ticket.remind_at, Ticket.sla_paused_at,
)  # fmt: skip
_FIELDS = tuple(column.key for column in _AS_STORED)
# Then what the snapshot derives: copies of the JSON columns, and the breach from the clocks (sla_breach_at).
_LISTED = (*_AS_STORED, Ticket.tags, Ticket.requirements, Ticket.assignment, Ticket.solved_at, Ticket.sla_breached_at)


@dataclass(frozen=True, slots=True)
class ListedTicket(TicketSnapshot):
    """A ticket as lists show it: with a preview of its last message, {"by": customer|agent, "text"}."""

    preview: dict[str, str] | None = None

    @classmethod
    def listed(cls, row: Any, now: datetime) -> ListedTicket:
        """From a row of _listed(): the same fields TicketSnapshot.of reads from the ORM objects."""
        m = row._mapping
        flat = " ".join((m["text"] or "").split())
        cut = flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1].rstrip() + "…"
        direction = m["direction"]
        said = {"by": "customer" if direction == "inbound" else "agent", "text": cut} if direction and cut else None
        clocks = ((m["first_response_due_at"], m["first_responded_at"]), (m["resolution_due_at"], m["solved_at"]))
        return cls(
            **{name: m[name] for name in _FIELDS},
            tags=tuple(m["tags"] or ()),
            requirements=dict(m["requirements"] or {}),
            assignment=dict(m["assignment"] or {}),
            sla_breached_at=sla_breach_at(m["sla_breached_at"], m["sla_paused_at"], clocks, now),
            preview=said,
        )

    def to_json(self) -> dict[str, Any]:
        # TicketSnapshot.to_json by name: a slotted dataclass has no zero-argument super().
        return {**TicketSnapshot.to_json(self), "preview": self.preview}


@lru_cache(maxsize=512)
def _page_statement(
    statuses: tuple[str, ...], filters: tuple[str, ...], after_rank: int | None, dialect: str, order: str
) -> Any:
    page = page_ids(statuses, filters, after_rank, dialect, order).subquery()
    if order == "recent":
        return _listed().join(page, page.c.id == Ticket.id).order_by(Ticket.last_message_at.desc(), Ticket.id.desc())
    return _listed().join(page, page.c.id == Ticket.id).order_by(page.c.rank, Ticket.last_message_at, Ticket.id)


async def ticket_page(session: AsyncSession, f: TicketFilter) -> TicketPage:
    """Most urgent first, then the longest waiting (or the most recently active first); one statement
    (hub/tickets/listing.py). Raises BadCursor."""
    after = Position.decode(f.cursor, f.order) if f.cursor else None
    given, params = f.filters()
    dialect = session.get_bind().dialect.name
    stmt = _page_statement(f.statuses, given, after.rank if after else None, dialect, f.order)
    # On the session's connection: plain rows, without the ORM's result machinery (a third of a page's cost).
    conn = await session.connection()
    rows = (await conn.execute(stmt, {**params, **page_params(after, f.limit, f.offset)})).all()
    now = utcnow()
    tickets: list[TicketSnapshot] = [ListedTicket.listed(row, now) for row in rows]
    last = tickets[-1] if len(tickets) == f.limit else None
    cursor = Position(rank_of(last.priority), last.last_message_at, last.id, f.order).encode() if last else None
    return TicketPage(tickets, cursor)


async def list_tickets(session: AsyncSession, f: TicketFilter) -> list[TicketSnapshot]:
    return (await ticket_page(session, f)).tickets


async def scoped_active(
    session: AsyncSession, queues: list[str], agent_id: int | None, limit: int
) -> list[TicketSnapshot]:
    """A console's working set: active tickets in its queues or assigned to its agent (the same rule the
    pushed events follow, so a fresh fetch and the events agree)."""
    scope: ColumnElement[bool] = Queue.name.in_(queues)
    if agent_id is not None:
        scope = or_(scope, Ticket.assignee_id == agent_id)
    stmt = _listed().where(Ticket.status.in_(ACTIVE), scope)
    rows = (
        await (await session.connection()).execute(
            stmt.order_by(priority_order(), Ticket.last_message_at, Ticket.id).limit(limit)
        )
    ).all()
    now = utcnow()
    return [ListedTicket.listed(row, now) for row in rows]


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
