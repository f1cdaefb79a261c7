"""Opening a ticket: the one step every new ticket takes (a contact, an agent, the demo seed): its row with SLA due
times in the queue's business time, its subject in the search index, and the customer's history line."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from hub.customers import history
from hub.customers.tiers import priority_for
from hub.db.models import Ticket
from hub.envelopes import storable_text
from hub.tickets import search, sla
from hub.tickets.model import Status, subject_from_text


class OpeningCustomer(Protocol):
    """What a new ticket takes from its customer: a Customer, or a row of the inbound batch."""

    @property
    def id(self) -> int: ...
    @property
    def tier(self) -> str: ...


class OpeningQueue(Protocol):
    """What a new ticket takes from its queue: a Queue, or a row of the inbound batch."""

    @property
    def id(self) -> int: ...
    @property
    def calendar(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Opening:
    """What a new ticket starts with. The SLA targets are spans of business time in the queue's calendar."""

    customer: OpeningCustomer
    queue: OpeningQueue
    channel: str
    text: str  # the subject, or the first message it is taken from
    first_response: timedelta
    resolution: timedelta
    now: datetime
    priority: str | None = None  # the customer's tier's when left out
    tags: Iterable[str] = ()
    requirements: Mapping[str, Any] = field(default_factory=dict)
    summary: str | None = None  # the history line; the subject when left out


def ticket_values(opening: Opening) -> dict[str, Any]:
    """The new ticket's column values (status new, SLA due times): for one ticket here, or many in one INSERT."""
    now = opening.now
    calendar = sla.calendar_named(opening.queue.calendar)
    first_due, resolution_due = sla.due_times(calendar, now, opening.first_response, opening.resolution)
    return {
        "customer_id": opening.customer.id,
        "subject": subject_from_text(storable_text(opening.text).strip() or "(no text)"),
        "status": Status.NEW.value,
        "priority": opening.priority or priority_for(opening.customer.tier),
        "channel": opening.channel,
        "queue_id": opening.queue.id,
        "tags": sorted({t.strip()[:64] for t in opening.tags if t.strip()}),
        "requirements": dict(opening.requirements),
        "first_response_due_at": first_due,
        "resolution_due_at": resolution_due,
        "last_message_at": now,
        "created_at": now,
        "updated_at": now,
    }


async def open_ticket(s: AsyncSession, opening: Opening) -> Ticket:
    """Add and flush the new ticket (status new) with its search entry and history line."""
    now = opening.now
    ticket = Ticket(**ticket_values(opening))
    s.add(ticket)
    await s.flush()
    await search.index_subject(s, ticket.id, ticket.subject)
    await history.record(s, customer_id=opening.customer.id, kind="ticket.created", at=now,
                         summary=opening.summary or ticket.subject, channel=ticket.channel,
                         ticket_id=ticket.id)  # fmt: skip
    return ticket
