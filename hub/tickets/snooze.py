"""Snoozed tickets: pending with a reminder, opened again when it is due (or sooner, when the customer writes)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import bindparam, func, select

from hub.agents import audit
from hub.background import cancel
from hub.bus import EventBus
from hub.clock import utcnow
from hub.customers import history
from hub.db.engine import Database
from hub.db.models import Ticket
from hub.events import TicketUpdated
from hub.events.snapshots import TicketSnapshot
from hub.tickets import sla
from hub.tickets.locking import load_ticket
from hub.tickets.model import Status, transition
from hub.tickets.refusals import ReplyError, TicketNotFound

log = logging.getLogger(__name__)
BATCH = 100
# Another process's new reminder is not heard of here: look at the index at least this often.
MAX_SLEEP_S = 15.0
LONGEST = timedelta(days=366)

# The due range of ix_tickets_remind_at, oldest first: the cost follows the due tickets, not all of them.
_DUE = (
    select(Ticket.id)
    .where(Ticket.remind_at.is_not(None), Ticket.remind_at <= bindparam("now"))
    .order_by(Ticket.remind_at, Ticket.id)
    .limit(BATCH)
)
_NEXT = select(func.min(Ticket.remind_at))


def reminder_after(status: str, current: datetime | None, asked: datetime | None, given: bool, now: datetime) -> (
    datetime | None
):  # fmt: skip
    """The reminder a ticket keeps once its status is `status`: only a pending ticket has one, and a new one
    lies ahead (within a year). ReplyError (422) for a reminder that cannot be kept."""
    if status != Status.PENDING:
        if given and asked is not None:
            raise ReplyError("remind_at is for pending tickets: send status pending with it")
        return None
    if not given:
        return current
    if asked is not None and asked <= now:
        raise ReplyError("remind_at has passed; give a time ahead (with its UTC offset)")
    if asked is not None and asked - now > LONGEST:
        raise ReplyError("remind_at is more than a year ahead")
    return asked


def described(remind_at: datetime | None) -> str:
    return f"pending until {remind_at:%Y-%m-%d %H:%M} UTC" if remind_at else "pending, no reminder"


async def wake(db: Database, ticket_id: int, now: datetime) -> bool:
    """Open one snoozed ticket whose reminder is due; its owner (or routing, if nobody owns it) hears of it
    by the event after commit. A reminder left on a ticket that is no longer pending is only cleared."""
    async with db.write() as uow:
        s = uow.session
        try:
            ticket, customer, queue = await load_ticket(s, ticket_id, lock=not db.is_sqlite)
        except TicketNotFound:
            return False
        due = ticket.remind_at
        if due is None or due > now:
            return False  # the customer wrote, or someone changed it, since it was read
        ticket.remind_at = None
        if ticket.status != Status.PENDING:
            return False
        transition(ticket, Status.OPEN, now)
        await sla.follow_status(s, ticket, Status.PENDING.value, now)  # its SLA clocks run again
        ticket.updated_at = now
        audit.record(s, None, "ticket.reminder_due", "ticket", ticket.id, remind_at=due.isoformat())
        await history.record(s, customer_id=ticket.customer_id, kind="ticket.status", at=now,
                             summary=f"pending → open (reminder of {due:%Y-%m-%d %H:%M} UTC)",
                             channel=ticket.channel, ticket_id=ticket.id)  # fmt: skip
        await s.flush()
        uow.emit(TicketUpdated(TicketSnapshot.of(ticket, customer, queue), ("status", "remind_at")))
    return True


async def wake_due(db: Database, now: datetime) -> int:
    """Every ticket whose reminder is due by `now`, each in its own transaction; how many opened."""
    woken = 0
    while True:
        async with db.read() as s:
            due = list(await s.scalars(_DUE, {"now": now}))
        for ticket_id in due:
            woken += await wake(db, ticket_id, now)
        if len(due) < BATCH:
            return woken


class Lead(Protocol):
    """One process at a time runs the waker (hub.ops.leadership.Leadership), handed over by the app."""

    async def begin(self) -> None: ...

    async def end(self) -> None: ...


LeadFactory = Callable[[str, Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]], Lead]


class ReminderWaker:
    """Sleeps until the next reminder is due (or a new one is set in this process), then wakes the due ones."""

    def __init__(self, db: Database, lead: LeadFactory) -> None:
        self._db = db
        self._poke = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lead = lead("ticket-reminders", self._start, self._stop)

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(TicketUpdated, self._on_updated)

    async def _on_updated(self, event: TicketUpdated) -> None:
        if "remind_at" in event.changes and event.ticket.remind_at is not None:
            self._poke.set()

    async def start(self) -> None:
        await self._lead.begin()

    async def stop(self) -> None:
        await self._lead.end()

    async def _start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="hub-ticket-reminders")

    async def _stop(self) -> None:
        await cancel(self._task)
        self._task = None

    async def _run(self) -> None:
        while True:
            self._poke.clear()
            sleep = MAX_SLEEP_S
            try:
                await wake_due(self._db, utcnow())
                async with self._db.read() as s:
                    upcoming = await s.scalar(_NEXT)
                if upcoming is not None:
                    sleep = min(sleep, max(0.0, (upcoming - utcnow()).total_seconds()))
            except Exception:  # the database away for a moment: try again at the next look
                log.exception("waking snoozed tickets failed")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(sleep):
                    await self._poke.wait()
