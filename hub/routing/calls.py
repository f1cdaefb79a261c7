"""A waiting phone call's agent side: whom to ring now, the caller's place in line, the agent who picked up
(the call is theirs) or whose phone did not answer (the offer goes back)."""

from __future__ import annotations

from sqlalchemy import func, select

from hub.agents import audit
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Agent, Ticket
from hub.events import TicketUpdated
from hub.events.snapshots import TicketSnapshot
from hub.routing import offers
from hub.tickets.model import ACTIVE, priority_order
from hub.tickets.replies import load_ticket


class CallOffers:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def dial_target(self, ticket_id: int) -> tuple[int, str, float | None] | None:
        """The agent a waiting call should ring now: (agent id, endpoint, seconds left on the offer)."""
        async with self._db.read() as s:
            row = (
                await s.execute(
                    select(Ticket.assignee_id, Ticket.offer_expires_at, Ticket.status, Agent.voice_endpoint)
                    .join(Agent, Agent.id == Ticket.assignee_id)
                    .where(Ticket.id == ticket_id)
                )
            ).first()
        if row is None or not row.voice_endpoint or row.status not in ACTIVE:
            return None
        left = (row.offer_expires_at - utcnow()).total_seconds() if row.offer_expires_at else None
        if left is not None and left < 3:
            return None  # about to be taken back: wait for the next agent rather than ring for a second
        return row.assignee_id, row.voice_endpoint, left

    async def queue_position(self, ticket_id: int) -> int:
        """1 + calls in the same queue that routing will serve first (higher priority, or same and older)."""
        async with self._db.read() as s:
            me = (
                await s.execute(
                    select(Ticket.queue_id, priority_order(), Ticket.created_at).where(Ticket.id == ticket_id)
                )
            ).first()
            if me is None:
                return 1
            queue_id, rank, created = me
            ahead = await s.scalar(
                select(func.count())
                .select_from(Ticket)
                .where(
                    Ticket.queue_id == queue_id,
                    Ticket.channel == "voice.twilio",
                    Ticket.assignee_id.is_(None),
                    Ticket.status.in_(ACTIVE),
                    Ticket.id != ticket_id,
                    (priority_order() < rank) | ((priority_order() == rank) & (Ticket.created_at < created)),
                )
            )
        return 1 + int(ahead or 0)

    async def take(self, ticket_id: int, agent_id: int) -> None:
        """The agent picked up: the call is theirs, whether the offer was still open, expired, or moved on
        (whoever is talking to the customer owns the ticket)."""
        now = utcnow()
        async with self._db.write() as uow:
            s = uow.session
            ticket, customer, queue = await load_ticket(s, ticket_id, lock=not self._db.is_sqlite)
            state = ticket.assignment.get("state")
            if ticket.assignee_id == agent_id and state in (offers.ACCEPTED, offers.ASSIGNED):
                return
            reasons = [*ticket.assignment.get("reasons", []), f"agent {agent_id} answered the call"]
            changes: tuple[str, ...] = ("assignment",)
            if ticket.assignee_id != agent_id:
                changes = ("assignee_id", "assignment")
            offers.assign(ticket, agent_id, now, reasons)
            ticket.assignment = {**ticket.assignment, "state": offers.ACCEPTED, "accepted_at": now.isoformat(),
                                 "by": "routing" if changes == ("assignment",) else "phone"}  # fmt: skip
            ticket.updated_at = now
            audit.record(s, None, "ticket.call_answered", "ticket", ticket.id, agent_id=agent_id)
            await s.flush()
            uow.emit(TicketUpdated(TicketSnapshot.of(ticket, customer, queue), changes))

    async def release(self, ticket_id: int, agent_id: int, why: str) -> bool:
        """The agent's phone did not answer: back to waiting without them (True when it was on offer to them)."""
        now = utcnow()
        async with self._db.write() as uow:
            s = uow.session
            ticket, customer, queue = await load_ticket(s, ticket_id, lock=not self._db.is_sqlite)
            if ticket.assignee_id != agent_id or ticket.assignment.get("state") != offers.OFFERED:
                return False
            offers.withdraw(ticket, agent_id, now, why)
            ticket.updated_at = now
            audit.record(s, None, "ticket.offer_missed", "ticket", ticket.id, agent_id=agent_id, why=why)
            await s.flush()
            uow.emit(TicketUpdated(TicketSnapshot.of(ticket, customer, queue), ("assignee_id", "assignment")))
            return True
