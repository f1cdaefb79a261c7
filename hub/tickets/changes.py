"""Changes a person makes to a ticket (status, tags, assignee, queue, priority, requirements); audited."""

from __future__ import annotations

from dataclasses import dataclass
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
from hub.snapshots import TicketSnapshot
from hub.tickets.model import Status, transition
from hub.tickets.replies import ReplyError, load_ticket

UNCHANGED: Any = object()


class Stale(Exception):
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
    if_updated_at: datetime | None = None  # optimistic check: 409 when the ticket changed since


async def update_ticket(db: Database, ticket_id: int, actor: Principal, change: TicketChange) -> TicketSnapshot:
    """Apply one person's change; audited, announced after commit, refused whole if any part is invalid."""
    now = utcnow()
    async with db.write() as uow:
        s = uow.session
        ticket, customer, queue = await load_ticket(s, ticket_id, lock=not db.is_sqlite)
        before = (queue, ticket.assignee_id)
        if change.if_updated_at is not None and ticket.updated_at != change.if_updated_at:
            raise Stale(f"ticket {ticket_id} changed at {ticket.updated_at.isoformat()}; reload and try again")
        changes: list[str] = []
        if change.status is not None and change.status != ticket.status:
            was = ticket.status
            transition(ticket, Status(change.status), now)
            if ticket.status == Status.SOLVED.value and ticket.assignee_id is not None:
                await credit_resolution(s, ticket, now)
            changes.append("status")
            audit.record(s, actor, "ticket.status_changed", "ticket", ticket.id, before=was, after=change.status)
            await history.record(s, customer_id=ticket.customer_id, kind="ticket.status", at=now,
                                 summary=f"{was} → {ticket.status} ({actor.name})", channel=ticket.channel,
                                 ticket_id=ticket.id)  # fmt: skip
        if change.tags is not None:
            clean = sorted({t.strip()[:64] for t in change.tags if t.strip()})
            if clean != sorted(ticket.tags or []):
                ticket.tags = clean
                changes.append("tags")
                audit.record(s, actor, "ticket.tags_changed", "ticket", ticket.id, tags=clean)
        owner = actor.agent_id is not None and ticket.assignee_id == actor.agent_id
        if change.queue is not None or change.priority is not None:
            # Supervisors move anything; an agent may transfer their own ticket to another queue.
            if not actor.has_role("supervisor") and (change.priority is not None or not owner):
                raise PermissionError(
                    "only supervisors change priority or move others' tickets; agents transfer their own"
                )
            if change.queue is not None and change.queue != queue:
                target = await s.scalar(select(Queue).where(Queue.name == change.queue))
                if target is None:
                    raise ReplyError(f"queue {change.queue!r} does not exist")
                audit.record(s, actor, "ticket.queue_changed", "ticket", ticket.id, before=queue, after=target.name)
                ticket.queue_id, queue = target.id, target.name
                changes.append("queue")
            if change.priority is not None and change.priority != ticket.priority:
                audit.record(
                    s,
                    actor,
                    "ticket.priority_changed",
                    "ticket",
                    ticket.id,
                    before=ticket.priority,
                    after=change.priority,
                )
                ticket.priority = change.priority
                changes.append("priority")
        if change.requirements is not None and change.requirements != ticket.requirements:
            audit.record(
                s,
                actor,
                "ticket.requirements_changed",
                "ticket",
                ticket.id,
                before=ticket.requirements,
                after=change.requirements,
            )
            ticket.requirements = change.requirements
            changes.append("requirements")
        if change.assignee_id is not UNCHANGED and change.assignee_id != ticket.assignee_id:
            await _check_assignee(s, actor, ticket, change.assignee_id)
            audit.record(
                s, actor, "ticket.reassigned", "ticket", ticket.id, before=ticket.assignee_id, after=change.assignee_id
            )
            ticket.assignee_id = change.assignee_id
            ticket.offer_expires_at = None
            ticket.assignment = {
                "agent_id": change.assignee_id,
                "by": actor.name,
                "at": now.isoformat(),
                "reasons": [f"assigned by {actor.name} ({actor.role})"],
            }
            changes.extend(("assignee_id", "assignment"))
            who = f"to agent {change.assignee_id}" if change.assignee_id else "unassigned"
            await history.record(
                s,
                customer_id=ticket.customer_id,
                kind="ticket.assigned",
                at=now,
                summary=f"{who} by {actor.name}",
                channel=ticket.channel,
                ticket_id=ticket.id,
            )
        if changes:
            ticket.updated_at = now
            await s.flush()
        snapshot = TicketSnapshot.of(ticket, customer, queue)
        if changes:
            moved = before != (queue, ticket.assignee_id)
            uow.emit(TicketUpdated(snapshot, tuple(changes), before if moved else None))
    return snapshot


async def _check_assignee(s: AsyncSession, actor: Principal, ticket: Ticket, assignee_id: int | None) -> None:
    # Supervisors move work anywhere; an agent takes an unowned ticket or hands on their own.
    takes_own = assignee_id is not None and assignee_id == actor.agent_id and ticket.assignee_id is None
    hands_on = actor.agent_id is not None and ticket.assignee_id == actor.agent_id  # a transfer of one's own
    if not actor.has_role("supervisor") and not takes_own and not hands_on:
        raise PermissionError(
            "only supervisors reassign others' tickets; agents take unassigned ones or transfer their own"
        )
    if assignee_id is not None:
        agent = await s.get(Agent, assignee_id)
        if agent is None or not agent.active:
            raise ReplyError(f"agent {assignee_id} does not exist or is inactive")
