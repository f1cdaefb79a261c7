"""SLA clocks in a queue's business time: due times, the pause while a ticket waits on the customer, breaches."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from hub.db.engine import Database
from hub.db.models import ACTIVE, Queue, Status, Ticket
from hub.tickets.business_time import Calendar, add_business, business_seconds

BATCH = 500
# The configured calendars by name, handed over at start-up (settings sit above the domain); a queue names one.
_calendars: dict[str, Calendar] = {}


def install_calendars(calendars: Mapping[str, Calendar]) -> None:
    """The process's calendars (from [calendars.<name>]); a queue naming none left out runs around the clock."""
    _calendars.clear()
    _calendars.update(calendars)


def calendar_named(name: str | None) -> Calendar | None:
    return _calendars.get(name) if name else None


def known_calendars() -> list[str]:
    return sorted(_calendars)


async def calendar_of(s: AsyncSession, queue_id: int) -> Calendar | None:
    return calendar_named(await s.scalar(select(Queue.calendar).where(Queue.id == queue_id)))


def due_times(
    calendar: Calendar | None, start: datetime, first_response: timedelta, resolution: timedelta
) -> tuple[datetime, datetime]:
    """The first-response and resolution due times of a ticket opened at `start`, in the calendar's business time."""
    return (
        add_business(calendar, start, first_response.total_seconds()),
        add_business(calendar, start, resolution.total_seconds()),
    )


def clock_changes(ticket: Ticket, was: str, calendar: Calendar | None, now: datetime) -> dict[str, Any]:
    """The SLA columns a status move from `was` to the ticket's status changes: pending stops the clocks, leaving
    it starts them again with every unmet due time moved on by the business time spent waiting."""
    values: dict[str, Any] = {}
    pending = Status.PENDING.value
    if ticket.status == pending and was != pending and ticket.sla_paused_at is None:
        values["sla_paused_at"] = now
        missed = _missed(ticket, now)
        if missed is not None and ticket.sla_breached_at is None:
            values["sla_breached_at"] = missed  # a breach before the pause stays one after it
    elif ticket.status != pending and ticket.sla_paused_at is not None:
        values["sla_paused_at"] = None
        paused = business_seconds(calendar, ticket.sla_paused_at, now)
        if paused > 0:
            if ticket.first_responded_at is None and ticket.first_response_due_at is not None:
                values["first_response_due_at"] = add_business(calendar, ticket.first_response_due_at, paused)
            if ticket.solved_at is None and ticket.resolution_due_at is not None:
                values["resolution_due_at"] = add_business(calendar, ticket.resolution_due_at, paused)
    return values


async def follow_status(s: AsyncSession, ticket: Ticket, was: str, now: datetime) -> list[str]:
    """Pause or resume the clocks of a ticket (loaded in this session) after its status moved; the changed fields."""
    calendar = await calendar_of(s, ticket.queue_id) if ticket.sla_paused_at is not None else None
    values = clock_changes(ticket, was, calendar, now)
    for key, value in values.items():
        setattr(ticket, key, value)
    return list(values)


async def follow_status_now(s: AsyncSession, ticket: Ticket, was: str, now: datetime) -> list[str]:
    """follow_status for a ticket moved by a plain UPDATE (inbound contacts): written at once, no flush."""
    calendar = await calendar_of(s, ticket.queue_id) if ticket.sla_paused_at is not None else None
    values = clock_changes(ticket, was, calendar, now)
    if values:
        await s.execute(update(Ticket).where(Ticket.id == ticket.id).values(**values))
        for key, value in values.items():
            set_committed_value(ticket, key, value)
    return list(values)


def _missed(ticket: Ticket, now: datetime) -> datetime | None:
    """The earliest due time that passed unmet by `now` (or was met only after it passed), paused or not."""
    clocks = ((ticket.first_response_due_at, ticket.first_responded_at), (ticket.resolution_due_at, ticket.solved_at))
    return min((due for due, met in clocks if due is not None and (met > due if met else due < now)), default=None)


def breached(now: datetime | BindParameter[Any]) -> ColumnElement[bool]:
    """Tickets whose SLA is breached: recorded so, or a running clock's due time passed unmet (or met late)."""
    return or_(Ticket.sla_breached_at.is_not(None), _running_breach(now))


def _running_breach(now: datetime | BindParameter[Any]) -> ColumnElement[bool]:
    first = and_(
        Ticket.first_response_due_at.is_not(None),
        or_(
            and_(Ticket.first_responded_at.is_(None), Ticket.first_response_due_at < now),
            Ticket.first_responded_at > Ticket.first_response_due_at,
        ),
    )
    resolution = and_(
        Ticket.resolution_due_at.is_not(None),
        or_(
            and_(Ticket.solved_at.is_(None), Ticket.resolution_due_at < now),
            Ticket.solved_at > Ticket.resolution_due_at,
        ),
    )
    return and_(Ticket.sla_paused_at.is_(None), or_(first, resolution))


async def record_breaches(db: Database, now: datetime) -> int:
    """Mark every active ticket whose running clock passed a due time unmet with when it did; how many."""
    marked = 0
    while True:
        async with db.write() as uow:
            s = uow.session
            rows = list(
                await s.scalars(
                    select(Ticket)
                    .where(Ticket.status.in_(ACTIVE), Ticket.sla_breached_at.is_(None), _running_breach(now))
                    .order_by(Ticket.id)
                    .limit(BATCH)
                )
            )
            for ticket in rows:
                # updated_at stays: a breach is no one's edit, and must not make an agent's next save stale.
                await s.execute(
                    update(Ticket)
                    .where(Ticket.id == ticket.id)
                    .values(sla_breached_at=_missed(ticket, now) or now, updated_at=Ticket.updated_at)
                )
        marked += len(rows)
        if len(rows) < BATCH:
            return marked
