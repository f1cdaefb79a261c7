"""A phone call's stored progress and its ticket: opened on the first webhook, annotated as the call goes on,
offered to and taken by agents. Channels get plain `Call` copies; the rows stay here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from hub.agents import audit
from hub.clock import utcnow
from hub.customers.identities import find_customer
from hub.db.engine import Database
from hub.db.models import Agent, Interaction, Ticket, VoiceCall
from hub.envelopes import IdentityRef
from hub.events import TicketUpdated
from hub.routing import offers
from hub.snapshots import TicketSnapshot
from hub.tickets.model import ACTIVE, priority_order
from hub.tickets.replies import load_ticket

# The strongest outcome wins whatever order the callbacks arrive in: a call the agent answered stays
# answered even if the final status callback says only "completed".
OUTCOMES = {"abandoned": 1, "callback": 2, "voicemail": 3, "answered": 4}


@dataclass(slots=True)
class Call:
    """A call as stored (voice_calls), detached from any session: read freely, edit inside CallStore.edit."""

    call_sid: str
    number: str  # the number called
    caller: str  # as the provider sent it: a number, "client:alice", a sip: URI, "anonymous" or empty
    tier: str = "general"
    language: str | None = None
    node: str | None = None  # None: choosing the language
    path: list[Any] = field(default_factory=list)
    state: str = "ivr"
    want: str | None = None  # "voicemail" or "callback"
    retries: int = 0
    ticket_id: int | None = None
    interaction_id: int | None = None
    agent_id: int | None = None
    outcome: str | None = None
    voicemail_offered: bool = False
    announced_at: datetime | None = None


_FIELDS = tuple(f.name for f in fields(Call))


def _copy(row: VoiceCall) -> Call:
    call = Call(**{name: getattr(row, name) for name in _FIELDS})
    call.path = list(call.path)  # its own list: edits reach the row only through write-back
    return call


def _write_back(row: VoiceCall, call: Call) -> None:
    for name in _FIELDS[1:]:  # never the key
        value = getattr(call, name)
        if value != getattr(row, name):
            setattr(row, name, value)


def outcome_after(current: str | None, new: str) -> str:
    return new if OUTCOMES.get(new, 0) > OUTCOMES.get(current or "", 0) else current or new


class CallStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def open(self, call_sid: str, number: str, caller: str, known_as: IdentityRef | None) -> tuple[Call, bool]:
        """The call, created on its first webhook (a retried webhook finds it): (call, is_new).
        `known_as` is the identity to greet by tier; None for a withheld caller (nobody to look up)."""
        async with self._db.write() as uow:
            s = uow.session
            row = await s.get(VoiceCall, call_sid)
            if row is not None:
                return _copy(row), False
            customer = await find_customer(s, known_as) if known_as is not None else None
            tier = customer.tier if customer else "general"
            row = VoiceCall(call_sid=call_sid, number=number, caller=caller, tier=tier)
            s.add(row)
            await s.flush()
            return _copy(row), True

    async def load(self, call_sid: str) -> Call | None:
        """The call as it stands, for reading: no write transaction, no row lock."""
        async with self._db.read() as s:
            row = await s.get(VoiceCall, call_sid)
            return _copy(row) if row is not None else None

    @asynccontextmanager
    async def edit(self, call_sid: str) -> AsyncIterator[Call | None]:
        """The call to change, locked on PostgreSQL (the provider may post two callbacks of one call at
        once); what the block changed is stored when it ends without an exception."""
        async with self._db.write() as uow:
            row = await uow.session.get(VoiceCall, call_sid, with_for_update=not self._db.is_sqlite)
            if row is None:
                yield None
                return
            call = _copy(row)
            yield call
            _write_back(row, call)

    async def record_step(self, call_sid: str, step: dict[str, Any], **changes: Any) -> None:
        """A menu answer given once the call is a ticket (the voicemail offer): on the call and its interaction."""
        async with self._db.write() as uow:
            call = await uow.session.get(VoiceCall, call_sid, with_for_update=not self._db.is_sqlite)
            if call is None:
                return
            call.path = [*call.path, step]
            for key, value in changes.items():
                setattr(call, key, value)
            if call.interaction_id is not None:
                row = await uow.session.get(Interaction, call.interaction_id)
                if row is not None:
                    row.meta = {**row.meta, "ivr_path": list(call.path)}

    async def annotate(self, interaction_id: int | None, text: str | None = None, **meta: Any) -> None:
        """Merge what the call has learnt (outcome, duration, recording, transcript) into its interaction."""
        if interaction_id is None:
            return
        async with self._db.write() as uow:
            row = await uow.session.get(Interaction, interaction_id)
            if row is None:
                return
            if "outcome" in meta:
                meta["outcome"] = outcome_after(row.meta.get("outcome"), meta["outcome"])
            row.meta = {**row.meta, **{k: v for k, v in meta.items() if v is not None}}
            if text is not None:
                row.text = text

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
