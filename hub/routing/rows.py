"""The tickets a routing batch places, read and written as Core rows: one read for the batch, not ORM objects.

A batch needs each ticket's row (for its snapshot), its customer's name and tier, its queue's name and whether
its work is given out, the opening of its first inbound message (for skills and language) and the customer's
previous agent (continuity). One statement reads them all; read through the ORM as four queries, the objects
and the flush that compared them back were most of routing's time per new contact (profiled). The statements
are built once over the tables (ORM attributes would send each execution through the ORM's compile step).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, bindparam, func, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import INTERACTIONS, TICKETS, AuditEntry, Customer, Queue, Ticket
from hub.events.snapshots import TicketSnapshot
from hub.routing.wording import MAX_CHARS
from hub.tickets.inbound_rows import Owner, ticket_snapshot
from hub.tickets.model import ACTIVE

CUSTOMERS = cast(Table, Customer.__table__)
QUEUES = cast(Table, Queue.__table__)
AUDIT = cast(Table, AuditEntry.__table__)
_T = TICKETS


def is_active(column: ColumnElement[str]) -> ColumnElement[bool]:
    """`column IN ('new', 'open', 'pending')` written into the statement: a bound list would be expanded again at
    every execution (a tenth of a claim's CPU, profiled)."""
    return column.in_([literal_column(f"'{status.value}'") for status in ACTIVE])


_OTHER = _T.alias("previous")
# What a snapshot needs: the tier copy, the rank and an offer's expiry are not read.
_COLUMNS = [c for c in _T.c if c.name not in {"customer_tier", "priority_rank", "offer_expires_at"}]
# The opening of the first inbound message (a long mail's opening says what it is about: see wording.py).
_FIRST = (
    select(func.substr(INTERACTIONS.c.text, 1, MAX_CHARS))
    .where(INTERACTIONS.c.ticket_id == _T.c.id, INTERACTIONS.c.direction == "inbound")
    .order_by(INTERACTIONS.c.id)
    .limit(1)
    .scalar_subquery()
)
# The customer's previous agent: of their other tickets, the last one changed that has an owner.
_PREVIOUS = (
    select(_OTHER.c.assignee_id)
    .where(_OTHER.c.customer_id == _T.c.customer_id, _OTHER.c.id != _T.c.id, _OTHER.c.assignee_id.is_not(None))
    .order_by(_OTHER.c.updated_at.desc())
    .limit(1)
    .scalar_subquery()
)
_EXTRA = ("r_customer_name", "r_tier", "r_queue", "r_auto_assign", "r_first", "r_previous")
READ = (
    select(
        *_COLUMNS,
        CUSTOMERS.c.display_name.label(_EXTRA[0]),
        CUSTOMERS.c.tier.label(_EXTRA[1]),
        QUEUES.c.name.label(_EXTRA[2]),
        QUEUES.c.auto_assign.label(_EXTRA[3]),
        _FIRST.label(_EXTRA[4]),
        _PREVIOUS.label(_EXTRA[5]),
    )
    .join(CUSTOMERS, CUSTOMERS.c.id == _T.c.customer_id)
    .join(QUEUES, QUEUES.c.id == _T.c.queue_id)
    .where(_T.c.id.in_(bindparam("ids", expanding=True)), _T.c.assignee_id.is_(None), is_active(_T.c.status))
)
# PostgreSQL, one ticket: its customer is locked first (lock order everywhere: customer, ticket, agent; ingest
# locks the customer first too, and taking the ticket first deadlocked against a message arriving on it).
LOCK_CUSTOMER = (
    select(CUSTOMERS.c.id)
    .where(CUSTOMERS.c.id == select(_T.c.customer_id).where(_T.c.id == bindparam("id")).scalar_subquery())
    .with_for_update()
)
# Then the ticket, on its own: the read below is long, and a lock taken in a short statement is one an operator
# (or a test) sees as such in pg_stat_activity, whose query text is cut at 1 kB. Read after both locks, the rows
# are as last committed (under READ COMMITTED each statement sees what committed before it began).
LOCK_TICKET = select(_T.c.id).where(_T.c.id == bindparam("id")).with_for_update()
STATE = select(_T.c.assignee_id, _T.c.status).where(_T.c.id == bindparam("id"))
# A ticket left waiting (or whose requirements were derived): its notes, many at once. updated_at is the
# column's own onupdate, as when the session wrote them.
NOTE = (
    update(_T)
    .where(_T.c.id == bindparam("b_id"))
    .values(requirements=bindparam("b_requirements", type_=_T.c.requirements.type),
            assignment=bindparam("b_assignment", type_=_T.c.assignment.type))
)  # fmt: skip


class RoutedTicket:
    """One ticket of a batch: its row (changed as routing changes it) and what the batch read with it."""

    __slots__ = ("auto_assign", "customer", "dirty", "first", "previous", "queue", "row")

    def __init__(self, row: dict[str, Any], extra: tuple[Any, ...]) -> None:
        self.row = row
        name, tier, self.queue, auto_assign, self.first, self.previous = extra
        self.customer = Owner(row["customer_id"], name, tier)
        self.auto_assign = bool(auto_assign)
        self.dirty = False  # requirements or assignment changed: written with the batch's notes

    @property
    def id(self) -> int:
        return int(self.row["id"])

    @property
    def customer_id(self) -> int:
        return int(self.row["customer_id"])

    @property
    def channel(self) -> str:
        return str(self.row["channel"])

    @property
    def subject(self) -> str:
        return str(self.row["subject"])

    @property
    def created_at(self) -> datetime:
        return cast(datetime, self.row["created_at"])

    @property
    def status(self) -> str:
        return str(self.row["status"])

    @property
    def assignee_id(self) -> int | None:
        return cast(int | None, self.row["assignee_id"])

    @property
    def requirements(self) -> dict[str, Any]:
        return cast(dict[str, Any], self.row["requirements"])

    @requirements.setter
    def requirements(self, value: dict[str, Any]) -> None:
        self.row["requirements"], self.dirty = value, True

    @property
    def assignment(self) -> dict[str, Any]:
        return cast(dict[str, Any], self.row["assignment"])

    @assignment.setter
    def assignment(self, value: dict[str, Any]) -> None:
        self.row["assignment"], self.dirty = value, True

    def snapshot(self) -> TicketSnapshot:
        return ticket_snapshot(self.row, self.customer, self.queue)


async def read(s: AsyncSession, ticket_ids: list[int], lock: bool) -> dict[int, RoutedTicket]:
    """The batch's tickets that still wait for an owner (active, unassigned). With `lock` (PostgreSQL, one
    ticket at a time): the customer, then the ticket, locked to commit."""
    if lock:
        for ticket_id in ticket_ids:
            await s.execute(LOCK_CUSTOMER, {"id": ticket_id})
            await s.execute(LOCK_TICKET, {"id": ticket_id})
    result = await s.execute(READ, {"ids": ticket_ids})
    keys = tuple(result.keys())
    width = len(keys) - len(_EXTRA)
    found = {}
    for values in result:
        ticket = RoutedTicket(dict(zip(keys[:width], values[:width], strict=True)), tuple(values[width:]))
        found[ticket.id] = ticket
    return found


async def refresh(s: AsyncSession, ticket: RoutedTicket) -> None:
    """Its owner and status as committed now (after a refused claim)."""
    row = (await s.execute(STATE, {"id": ticket.id})).one()
    ticket.row["assignee_id"], ticket.row["status"] = row


async def write_notes(s: AsyncSession, tickets: list[RoutedTicket]) -> None:
    """The requirements and waiting notes of the batch's tickets that changed and were not claimed, at once."""
    rows = [{"b_id": t.id, "b_requirements": t.requirements, "b_assignment": t.assignment} for t in tickets if t.dirty]
    if rows:
        await s.execute(NOTE, rows)


async def write_audit(s: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """The batch's audit rows (as hub.agents.audit.record writes them, system actor), in one statement."""
    if rows:
        await s.execute(AUDIT.insert(), rows)


AnyTicket = Ticket | RoutedTicket  # what the helpers shared with the one-ticket paths (offers, the tests) take
