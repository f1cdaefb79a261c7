"""Offers: voice and chat work is offered to one agent, who accepts within a time limit or it moves on.

While offered, the ticket's assignee is the offered agent (so the offer counts against their capacity
and no other decider can take the ticket) and `offer_expires_at` is set. Accepting clears the deadline;
declining or letting it pass puts the ticket back to waiting with that agent excluded from its next
decisions. Deadlines live in the database, so they survive a restart and any process can sweep them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from hub.agents import audit
from hub.db.engine import UnitOfWork
from hub.db.models import Ticket
from hub.events import TicketUpdated
from hub.events.snapshots import TicketSnapshot
from hub.routing.rows import AnyTicket
from hub.tickets.model import ACTIVE
from hub.tickets.replies import load_ticket
from hub.wording import Worded

OFFERED, ACCEPTED, ASSIGNED, WAITING = "offered", "accepted", "assigned", "waiting"


class OfferError(Worded):
    """The ticket is not on offer to this agent (taken back, expired, or never theirs): 409."""


def declined_by(ticket: AnyTicket, now: datetime, pause: timedelta) -> frozenset[int]:
    """Agents who declined or missed this ticket within the pause: not offered it again yet."""
    declined = ticket.assignment.get("declined") or {}
    return frozenset(int(a) for a, at in declined.items() if now - datetime.fromisoformat(at) < pause)


def reoffer_at(ticket: AnyTicket, now: datetime, pause: timedelta) -> datetime | None:
    """When the first agent still within their pause may be offered the ticket again (None: nobody is)."""
    declined = ticket.assignment.get("declined") or {}
    back = [datetime.fromisoformat(at) + pause for at in declined.values()]
    return min((t for t in back if t > now), default=None)


def offer_values(ticket: AnyTicket, agent_id: int, timeout_s: int, now: datetime, reasons: list[str]) -> dict[str, Any]:
    """The ticket's columns once offered to the agent (written by one conditional UPDATE, see placing.claim)."""
    expires = now + timedelta(seconds=timeout_s)
    assignment = {**_base(ticket, agent_id, now, reasons), "state": OFFERED, "expires_at": expires.isoformat(),
                  "timeout_s": timeout_s}  # fmt: skip
    return {"assignee_id": agent_id, "offer_expires_at": expires, "assignment": assignment}


def assign_values(ticket: AnyTicket, agent_id: int, now: datetime, reasons: list[str]) -> dict[str, Any]:
    """The ticket's columns once assigned to the agent."""
    assignment = {**_base(ticket, agent_id, now, reasons), "state": ASSIGNED}
    return {"assignee_id": agent_id, "offer_expires_at": None, "assignment": assignment}


def make_offer(ticket: Ticket, agent_id: int, timeout_s: int, now: datetime, reasons: list[str]) -> None:
    for column, value in offer_values(ticket, agent_id, timeout_s, now, reasons).items():
        setattr(ticket, column, value)


def assign(ticket: Ticket, agent_id: int, now: datetime, reasons: list[str]) -> None:
    for column, value in assign_values(ticket, agent_id, now, reasons).items():
        setattr(ticket, column, value)


def _base(ticket: AnyTicket, agent_id: int | None, now: datetime, reasons: list[str]) -> dict[str, Any]:
    record: dict[str, Any] = {"agent_id": agent_id, "by": "routing", "at": now.isoformat(), "reasons": reasons}
    if ticket.assignment.get("declined"):
        record["declined"] = ticket.assignment["declined"]
    return record


async def respond(
    uow: UnitOfWork, ticket_id: int, agent_id: int, accept: bool, now: datetime, lock: bool
) -> TicketSnapshot:
    """The offered agent accepts or declines. Declining puts the ticket back to waiting without them."""
    s = uow.session
    ticket, customer, queue = await load_ticket(s, ticket_id, lock=lock)
    if ticket.assignee_id != agent_id or ticket.assignment.get("state") != OFFERED:
        raise OfferError("ticket %(ticket)s is not on offer to you (any more)", ticket=ticket_id)
    if ticket.offer_expires_at is not None and ticket.offer_expires_at <= now:
        raise OfferError("the offer of ticket %(ticket)s has expired", ticket=ticket_id)
    if accept:
        ticket.offer_expires_at = None
        ticket.assignment = {**ticket.assignment, "state": ACCEPTED, "accepted_at": now.isoformat()}
        audit.record(s, None, "ticket.offer_accepted", "ticket", ticket.id, agent_id=agent_id)
    else:
        withdraw(ticket, agent_id, now, "declined the offer")
        audit.record(s, None, "ticket.offer_declined", "ticket", ticket.id, agent_id=agent_id)
    ticket.updated_at = now
    await s.flush()
    snapshot = TicketSnapshot.of(ticket, customer, queue)
    moved = None if accept else (queue, agent_id)
    uow.emit(TicketUpdated(snapshot, ("assignee_id", "assignment"), moved))
    return snapshot


async def expire_due(uow: UnitOfWork, now: datetime, lock: bool, limit: int = 100) -> list[tuple[int, int]]:
    """Take back offers whose time is up: (ticket id, agent who missed it) for each."""
    s = uow.session
    due = list(
        await s.scalars(
            select(Ticket.id).where(Ticket.offer_expires_at <= now).order_by(Ticket.offer_expires_at).limit(limit)
        )
    )
    missed = []
    for ticket_id in due:
        ticket, customer, queue = await load_ticket(s, ticket_id, lock=lock)
        agent_id = ticket.assignee_id
        if ticket.offer_expires_at is None or ticket.offer_expires_at > now or agent_id is None:
            continue  # answered meanwhile
        if ticket.status not in ACTIVE:
            ticket.offer_expires_at = None  # solved or closed while on offer: nothing left to hand on
            continue
        withdraw(ticket, agent_id, now, f"did not answer within {ticket.assignment.get('timeout_s', '?')} s")
        audit.record(s, None, "ticket.offer_missed", "ticket", ticket.id, agent_id=agent_id)
        ticket.updated_at = now
        await s.flush()
        uow.emit(
            TicketUpdated(TicketSnapshot.of(ticket, customer, queue), ("assignee_id", "assignment"), (queue, agent_id))
        )
        missed.append((ticket_id, agent_id))
    return missed


def withdraw(ticket: Ticket, agent_id: int, now: datetime, why: str) -> None:
    declined = {**(ticket.assignment.get("declined") or {}), str(agent_id): now.isoformat()}
    reasons = [*ticket.assignment.get("reasons", []), f"agent {agent_id} {why}"]
    ticket.assignee_id = None
    ticket.offer_expires_at = None
    ticket.assignment = {"agent_id": None, "by": "routing", "at": now.isoformat(), "state": WAITING,
                         "reasons": reasons, "declined": declined}  # fmt: skip
