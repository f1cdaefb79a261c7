"""Changes a person makes to a ticket (status, tags, assignee, queue, priority, requirements); audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents import audit
from hub.agents.accounts import Principal
from hub.agents.evidence import credit_resolution
from hub.clock import utcnow
from hub.customers import history
from hub.db.engine import Database
from hub.db.models import Agent, Queue, Ticket
from hub.events import TicketUpdated
from hub.events.snapshots import TicketSnapshot
from hub.tickets import sla, snooze
from hub.tickets.locking import load_ticket
from hub.tickets.model import Status, transition
from hub.tickets.refusals import NotAllowed, ReplyError
from hub.wording import Worded

UNCHANGED: Any = object()


class Stale(Worded):
    """The ticket changed since the caller read it: 409, nothing overwritten."""


@dataclass(frozen=True, slots=True)
class TicketChange:
    """What a person changes on a ticket; fields left as UNCHANGED (or None) stay as they are."""

    status: str | None = None
    tags: list[str] | None = None
    assignee_id: Any = UNCHANGED  # an agent id, or None to unassign
    queue: str | None = None  # supervisors
    priority: str | None = None  # supervisors
    requirements: dict[str, Any] | None = None  # {"skills": {name: level}, "language": "zh"}
    remind_at: Any = UNCHANGED  # pending until then (hub/tickets/snooze.py), or None for no reminder
    if_updated_at: datetime | None = None  # optimistic check: 409 when the ticket changed since


@dataclass(slots=True)
class _Edit:
    """One change under way: the locked ticket, who changes it, and the fields changed so far."""

    s: AsyncSession
    actor: Principal
    ticket: Ticket
    queue: str
    now: datetime
    changed: list[str] = field(default_factory=list)

    def audit(self, action: str, **details: Any) -> None:
        audit.record(self.s, self.actor, action, "ticket", self.ticket.id, **details)


async def update_ticket(db: Database, ticket_id: int, actor: Principal, change: TicketChange) -> TicketSnapshot:
    """Apply one person's change; audited, announced after commit, refused whole if any part is invalid."""
    async with db.write() as uow:
        ticket, customer, queue = await load_ticket(uow.session, ticket_id, lock=not db.is_sqlite)
        before = (queue, ticket.assignee_id)
        _check_fresh(ticket, change.if_updated_at)
        edit = _Edit(uow.session, actor, ticket, queue, utcnow())
        if change.status is not None and change.status != ticket.status:
            await _change_status(edit, Status(change.status))
        await _remind(edit, change.remind_at)
        if change.tags is not None:
            _change_tags(edit, change.tags)
        if change.queue is not None or change.priority is not None:
            await _move(edit, change.queue, change.priority)
        if change.requirements is not None and change.requirements != ticket.requirements:
            _change_requirements(edit, change.requirements)
        if change.assignee_id is not UNCHANGED and change.assignee_id != ticket.assignee_id:
            await _reassign(edit, change.assignee_id)
        if edit.changed:
            ticket.updated_at = edit.now
            await uow.session.flush()
        snapshot = TicketSnapshot.of(ticket, customer, edit.queue)
        if edit.changed:
            moved = before != (edit.queue, ticket.assignee_id)
            uow.emit(TicketUpdated(snapshot, tuple(edit.changed), before if moved else None))
    return snapshot


def _check_fresh(ticket: Ticket, if_updated_at: datetime | None) -> None:
    if if_updated_at is not None and ticket.updated_at != if_updated_at:
        raise Stale(
            "ticket %(ticket)s changed at %(at)s; reload and try again",
            ticket=ticket.id,
            at=ticket.updated_at.isoformat(),
        )


async def _change_status(edit: _Edit, status: Status) -> None:
    ticket, was = edit.ticket, edit.ticket.status
    transition(ticket, status, edit.now)
    edit.changed.extend(await sla.follow_status(edit.s, ticket, was, edit.now))  # pending pauses the SLA clocks
    if ticket.status == Status.SOLVED.value and ticket.assignee_id is not None:
        await credit_resolution(edit.s, ticket, edit.now)
    edit.changed.append("status")
    edit.audit("ticket.status_changed", before=was, after=status.value)
    await history.record(edit.s, customer_id=ticket.customer_id, kind="ticket.status", at=edit.now,
                         summary=f"{was} → {ticket.status} ({edit.actor.name})", channel=ticket.channel,
                         ticket_id=ticket.id)  # fmt: skip


async def _remind(edit: _Edit, asked: Any) -> None:
    """A pending ticket's reminder: set, moved or dropped; any other status keeps none."""
    ticket = edit.ticket
    given = asked is not UNCHANGED
    after = snooze.reminder_after(ticket.status, ticket.remind_at, asked if given else None, given, edit.now)
    if after != ticket.remind_at:
        ticket.remind_at = after
        edit.changed.append("remind_at")
        edit.audit("ticket.reminder_set", remind_at=after.isoformat() if after else None)
        if after is not None or given:
            await history.record(edit.s, customer_id=ticket.customer_id, kind="ticket.reminder", at=edit.now,
                                 summary=f"{snooze.described(after)} ({edit.actor.name})", channel=ticket.channel,
                                 ticket_id=ticket.id)  # fmt: skip


def _change_tags(edit: _Edit, tags: list[str]) -> None:
    clean = sorted({t.strip()[:64] for t in tags if t.strip()})
    if clean != sorted(edit.ticket.tags or []):
        edit.ticket.tags = clean
        edit.changed.append("tags")
        edit.audit("ticket.tags_changed", tags=clean)


async def _move(edit: _Edit, queue: str | None, priority: str | None) -> None:
    """Another queue or priority. Supervisors move anything; an agent may transfer their own ticket to
    another queue."""
    ticket, actor = edit.ticket, edit.actor
    owner = actor.agent_id is not None and ticket.assignee_id == actor.agent_id
    if not actor.has_role("supervisor") and (priority is not None or not owner):
        raise NotAllowed("only supervisors change priority or move others' tickets; agents transfer their own")
    if queue is not None and queue != edit.queue:
        target = await edit.s.scalar(select(Queue).where(Queue.name == queue))
        if target is None:
            raise ReplyError("queue '%(queue)s' does not exist", queue=queue)
        edit.audit("ticket.queue_changed", before=edit.queue, after=target.name)
        ticket.queue_id, edit.queue = target.id, target.name
        edit.changed.append("queue")
    if priority is not None and priority != ticket.priority:
        edit.audit("ticket.priority_changed", before=ticket.priority, after=priority)
        ticket.priority = priority
        edit.changed.append("priority")


def _change_requirements(edit: _Edit, requirements: dict[str, Any]) -> None:
    edit.audit("ticket.requirements_changed", before=edit.ticket.requirements, after=requirements)
    edit.ticket.requirements = requirements
    edit.changed.append("requirements")


async def _reassign(edit: _Edit, assignee_id: int | None) -> None:
    ticket, actor = edit.ticket, edit.actor
    await _check_assignee(edit.s, actor, ticket, assignee_id)
    edit.audit("ticket.reassigned", before=ticket.assignee_id, after=assignee_id)
    ticket.assignee_id = assignee_id
    ticket.offer_expires_at = None
    ticket.assignment = {"agent_id": assignee_id, "by": actor.name, "at": edit.now.isoformat(),
                         "reasons": [f"assigned by {actor.name} ({actor.role})"]}  # fmt: skip
    edit.changed.extend(("assignee_id", "assignment"))
    who = f"to agent {assignee_id}" if assignee_id else "unassigned"
    await history.record(edit.s, customer_id=ticket.customer_id, kind="ticket.assigned", at=edit.now,
                         summary=f"{who} by {actor.name}", channel=ticket.channel, ticket_id=ticket.id)  # fmt: skip


async def _check_assignee(s: AsyncSession, actor: Principal, ticket: Ticket, assignee_id: int | None) -> None:
    # Supervisors move work anywhere; an agent takes an unowned ticket or hands on their own.
    takes_own = assignee_id is not None and assignee_id == actor.agent_id and ticket.assignee_id is None
    hands_on = actor.agent_id is not None and ticket.assignee_id == actor.agent_id  # a transfer of one's own
    if not actor.has_role("supervisor") and not takes_own and not hands_on:
        raise NotAllowed("only supervisors reassign others' tickets; agents take unassigned ones or transfer their own")
    if assignee_id is not None:
        agent = await s.get(Agent, assignee_id)
        if agent is None or not agent.active:
            raise ReplyError("agent %(agent)s does not exist or is inactive", agent=assignee_id)
