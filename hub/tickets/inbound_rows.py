"""The inbound batch's reads as Core statements: customers, tickets and queues as plain rows, not ORM objects.

A batch needs a few columns of each sender's customer and the whole row of each ticket it continues or opens (for
the events' snapshots). Read through the ORM, every row became an object in the session's identity map (about half
of the batch writer's time, profiled); read as Core rows they are tuples and dicts. The statements are built once,
over the tables themselves (ORM attributes would send each execution through the ORM's compile step).
A ticket is a dict of its columns: the batch moves it (last_message_at, ...) and builds each contact's snapshot
from it, as TicketSnapshot.of builds one from a Ticket.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple, cast

from sqlalchemy import Result, Table, bindparam, func, select

from hub.clock import utcnow
from hub.customers.tables import CustomerKey
from hub.db.models import INTERACTIONS, TICKETS, Customer, Identity, Queue, Status, sla_breach_at
from hub.events.snapshots import TicketSnapshot

CUSTOMERS = cast(Table, Customer.__table__)
IDENTITIES = cast(Table, Identity.__table__)
QUEUES = cast(Table, Queue.__table__)
CUSTOMER_KEYS = cast(Table, CustomerKey.__table__)
TicketRow = dict[str, Any]  # a tickets row by column name


class Owner(NamedTuple):
    """The customer an identity belongs to: what a contact's ticket and its snapshot need of them."""

    id: int
    display_name: str
    tier: str


class QueueRow(NamedTuple):
    id: int
    name: str
    calendar: str | None


SEEN = select(INTERACTIONS.c.channel, INTERACTIONS.c.external_id).where(
    INTERACTIONS.c.channel == bindparam("channel"), INTERACTIONS.c.external_id.in_(bindparam("ids", expanding=True))
)
OWNERS = (
    select(IDENTITIES.c.value, CUSTOMERS.c.id, CUSTOMERS.c.display_name, CUSTOMERS.c.tier)
    .join(CUSTOMERS, CUSTOMERS.c.id == IDENTITIES.c.customer_id)
    .where(IDENTITIES.c.kind == bindparam("kind"), IDENTITIES.c.value.in_(bindparam("values", expanding=True)))
)
# PostgreSQL: the customers stay locked to commit, as the one-by-one path locks them.
OWNERS_LOCKED = OWNERS.with_for_update(of=CUSTOMERS)
_RANKED = (
    select(
        TICKETS.c.id,
        func.row_number()
        .over(
            partition_by=(TICKETS.c.customer_id, TICKETS.c.channel),
            order_by=(TICKETS.c.last_message_at.desc(), TICKETS.c.id.desc()),
        )
        .label("n"),
    )
    .where(TICKETS.c.customer_id.in_(bindparam("customers", expanding=True)), TICKETS.c.status != Status.CLOSED)
    .subquery()
)
# What a continued ticket's snapshot and its UPDATE need: the tier copy, the rank and an offer's expiry are not read.
_READ = [c for c in TICKETS.c if c.name not in {"customer_tier", "priority_rank", "offer_expires_at"}]
# Each customer's latest unclosed ticket per channel: the one choose_thread continues.
LATEST = select(*_READ).join(_RANKED, _RANKED.c.id == TICKETS.c.id).where(_RANKED.c.n == 1)
BY_ID = select(*_READ).where(TICKETS.c.id.in_(bindparam("ids", expanding=True)))
REFERRED = select(INTERACTIONS.c.external_id, INTERACTIONS.c.id, INTERACTIONS.c.ticket_id).where(
    INTERACTIONS.c.channel == bindparam("channel"), INTERACTIONS.c.external_id.in_(bindparam("ids", expanding=True))
)
QUEUES_NAMED = select(QUEUES.c.id, QUEUES.c.name, QUEUES.c.calendar).where(
    QUEUES.c.name.in_(bindparam("names", expanding=True))
)
INSERT_CUSTOMERS = CUSTOMERS.insert().returning(CUSTOMERS.c.id, sort_by_parameter_order=True)
# SQLite: in parameter order SQLAlchemy would insert one row per statement (see inbound_new.py).
INSERT_CUSTOMERS_SQLITE = CUSTOMERS.insert().returning(CUSTOMERS.c.id)
INSERT_IDENTITIES = IDENTITIES.insert()
INSERT_KEYS = CUSTOMER_KEYS.insert()
# The whole row back: the database's own values (the tier its trigger copies, the computed rank) included.
INSERT_TICKETS = TICKETS.insert().returning(*TICKETS.c)


def dicts(result: Result[Any]) -> list[dict[str, Any]]:
    """The rows as dicts by column name (zipped with the keys once: dict(row._mapping) costs six times more)."""
    keys = tuple(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result]


def ticket_snapshot(ticket: Mapping[str, Any], customer: Owner, queue: str) -> TicketSnapshot:
    """TicketSnapshot.of for a tickets row."""
    clocks = (
        (ticket["first_response_due_at"], ticket["first_responded_at"]),
        (ticket["resolution_due_at"], ticket["solved_at"]),
    )
    return TicketSnapshot(
        id=ticket["id"],
        customer_id=ticket["customer_id"],
        customer_name=customer.display_name,
        customer_tier=customer.tier,
        subject=ticket["subject"],
        status=ticket["status"],
        priority=ticket["priority"],
        channel=ticket["channel"],
        queue=queue,
        assignee_id=ticket["assignee_id"],
        tags=tuple(ticket["tags"] or ()),
        requirements=dict(ticket["requirements"] or {}),
        assignment=dict(ticket["assignment"] or {}),
        first_response_due_at=ticket["first_response_due_at"],
        first_responded_at=ticket["first_responded_at"],
        resolution_due_at=ticket["resolution_due_at"],
        last_message_at=ticket["last_message_at"],
        created_at=ticket["created_at"],
        updated_at=ticket["updated_at"],
        merged_into_id=ticket["merged_into_id"],
        remind_at=ticket["remind_at"],
        sla_paused_at=ticket["sla_paused_at"],
        sla_breached_at=sla_breach_at(ticket["sla_breached_at"], ticket["sla_paused_at"], clocks, utcnow()),
    )
