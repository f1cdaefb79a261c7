"""Merging one ticket into another: its messages, notes, attachments, calls, surveys and timeline move; it stays
closed as a pointer, so a customer's reply to it (by mail thread or ticket number) lands on the target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents.accounts import Principal
from hub.clock import utcnow
from hub.customers.tables import Survey
from hub.customers.tiers import PRIORITIES
from hub.db.engine import Database
from hub.db.models import HISTORY, Interaction, Ticket, VoiceCall
from hub.events import MessageCreated, TicketUpdated
from hub.events.snapshots import TicketSnapshot
from hub.tickets.locking import load_ticket
from hub.tickets.model import ACTIVE, Status, transition
from hub.tickets.moving import check_may_rework, check_not_closed, move_interactions, record, system_line
from hub.tickets.refusals import ReplyError, TicketNotFound


@dataclass(frozen=True, slots=True)
class Merged:
    source: TicketSnapshot
    target: TicketSnapshot
    moved: int  # messages, notes and calls' lines that moved


async def merge_tickets(db: Database, source_id: int, target_id: int, actor: Principal) -> Merged:
    """Merge `source_id` into `target_id` (one customer's two tickets); audited on both, announced after commit.
    TicketNotFound, PermissionError, ReplyError (one customer's tickets only, neither closed)."""
    if source_id == target_id:
        raise ReplyError("a ticket cannot be merged into itself")
    now = utcnow()
    async with db.write() as uow:
        s = uow.session
        found = await s.execute(select(Ticket.id, Ticket.customer_id).where(Ticket.id.in_((source_id, target_id))))
        owners = {row.id: row.customer_id for row in found}
        for ticket_id in (source_id, target_id):
            if ticket_id not in owners:
                raise TicketNotFound("ticket %(ticket)s does not exist", ticket=ticket_id)
        if owners[source_id] != owners[target_id]:
            # Another person's messages must never appear on this customer's ticket; if they are one person,
            # their records are merged first (POST /api/v1/customers/{id}/merge).
            raise ReplyError("only one customer's tickets are merged; merge the customers first if they are one")
        # One customer: locking it first (load_ticket) serialises every merge and contact of theirs.
        target, customer, target_queue = await load_ticket(s, target_id, lock=not db.is_sqlite)
        source, _, source_queue = await load_ticket(s, source_id, lock=not db.is_sqlite)
        for ticket in (source, target):
            check_not_closed(ticket)
        check_may_rework(actor, source, target)
        moved_ids = list(await s.scalars(select(Interaction.id).where(Interaction.ticket_id == source.id)))
        await move_interactions(s, moved_ids, target.id)
        await _move_the_rest(s, source.id, target.id)
        changes = _combine(target, source, actor, now)
        _close_as_pointer(source, target.id, now)
        by = f"by {actor.name}"
        source_line = await system_line(
            s, source, f"Merged into ticket #{target.id} {by}", actor, now, merged_into=target.id
        )
        target_line = await system_line(
            s,
            target,
            f"Ticket #{source.id} merged into this one {by} ({len(moved_ids)} messages moved)",
            actor,
            now,
            merged_from=source.id,
        )
        await record(
            s,
            source,
            actor,
            now,
            "ticket.merged",
            f"merged into #{target.id} {by}",
            into=target.id,
            moved=len(moved_ids),
        )
        await record(
            s,
            target,
            actor,
            now,
            "ticket.merged_in",
            f"#{source.id} merged into this ticket {by}",
            source=source.id,
            moved=len(moved_ids),
        )
        await s.flush()
        source_snap = TicketSnapshot.of(source, customer, source_queue)
        target_snap = TicketSnapshot.of(target, customer, target_queue)
        uow.emit(TicketUpdated(source_snap, ("status", "merged_into_id", "remind_at")))
        uow.emit(TicketUpdated(target_snap, ("merged", *changes)))
        uow.emit(MessageCreated(source_snap, source_line))
        uow.emit(MessageCreated(target_snap, target_line))
    return Merged(source_snap, target_snap, len(moved_ids))


async def _move_the_rest(s: AsyncSession, source_id: int, target_id: int) -> None:
    """The source's own timeline lines (created, assigned...), its calls and its surveys go with its messages."""
    await s.execute(update(HISTORY).where(HISTORY.c.ticket_id == source_id).values(ticket_id=target_id))
    for table in (VoiceCall, Survey):
        await s.execute(
            update(table).where(table.ticket_id == source_id).values(ticket_id=target_id),
            execution_options={"synchronize_session": False},
        )


def _rank(priority: str) -> int:
    return PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)


def _earliest(*moments: datetime | None) -> datetime | None:
    return min((m for m in moments if m is not None), default=None)


def _combine(target: Ticket, source: Ticket, actor: Principal, now: datetime) -> list[str]:
    """What the target takes over: the more urgent priority, both tags, the latest message, the owner if it had
    none, and the earlier promises. An open question of the source's keeps its due times: a merge neither
    resets an SLA clock nor buys time."""
    changes: list[str] = []
    waiting = source.status in ACTIVE
    if _rank(source.priority) < _rank(target.priority):
        target.priority = source.priority
        changes.append("priority")
    tags = sorted({*(target.tags or ()), *(source.tags or ())})
    if tags != sorted(target.tags or ()):
        target.tags = tags
        changes.append("tags")
    if source.last_message_at > target.last_message_at:
        target.last_message_at = source.last_message_at
        changes.append("last_message_at")
    if waiting and target.first_responded_at is None and source.first_responded_at is None:
        due = _earliest(target.first_response_due_at, source.first_response_due_at)
        if due != target.first_response_due_at:
            target.first_response_due_at = due
            changes.append("first_response_due_at")
    if waiting and target.status in ACTIVE:
        due = _earliest(target.resolution_due_at, source.resolution_due_at)
        if due != target.resolution_due_at:
            target.resolution_due_at = due
            changes.append("resolution_due_at")
    if waiting and target.status == Status.SOLVED:
        transition(target, Status.OPEN, now)  # the source's open question is the target's now
        target.resolution_due_at = _earliest(source.resolution_due_at)
        changes.extend(("status", "resolution_due_at"))
    if target.assignee_id is None and source.assignee_id is not None and waiting:
        target.assignee_id = source.assignee_id
        target.assignment = {
            "agent_id": source.assignee_id,
            "by": actor.name,
            "at": now.isoformat(),
            "reasons": [f"kept from ticket #{source.id} when it was merged here"],
        }
        changes.extend(("assignee_id", "assignment"))
    target.updated_at = now
    return changes


def _close_as_pointer(source: Ticket, target_id: int, now: datetime) -> None:
    transition(source, Status.CLOSED, now)
    source.merged_into_id = target_id
    source.remind_at = None
    source.offer_expires_at = None
    source.updated_at = now
