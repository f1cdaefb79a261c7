"""Splitting a ticket: chosen messages move to a new ticket of the same customer (a second question asked in
the same thread), linked to the first; both keep the promises made when the customer first asked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents.accounts import Principal
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Interaction, Ticket
from hub.events import MessageCreated, TicketCreated, TicketUpdated
from hub.events.snapshots import TicketSnapshot
from hub.tickets import search
from hub.tickets.links import link_in
from hub.tickets.locking import load_ticket
from hub.tickets.model import Status, subject_from_text
from hub.tickets.moving import check_may_rework, check_not_closed, move_interactions, record, system_line
from hub.tickets.refusals import ReplyError

MAX_MOVED = 500
CONTACTS = ("inbound", "outbound")


@dataclass(frozen=True, slots=True)
class Split:
    source: TicketSnapshot
    created: TicketSnapshot
    moved: int


async def split_ticket(
    db: Database, ticket_id: int, interaction_ids: list[int], actor: Principal, subject: str | None = None
) -> Split:
    """Move these messages of the ticket to a new ticket; at least one message stays. TicketNotFound,
    PermissionError, ReplyError (messages not on this ticket, all of them, a closed ticket)."""
    wanted = list(dict.fromkeys(interaction_ids))
    if not wanted or len(wanted) > MAX_MOVED:
        raise ReplyError("name between 1 and %(max)s messages to move", max=MAX_MOVED)
    now = utcnow()
    async with db.write() as uow:
        s = uow.session
        source, customer, queue = await load_ticket(s, ticket_id, lock=not db.is_sqlite)
        check_not_closed(source)
        check_may_rework(actor, source)
        moving = await _chosen(s, source.id, wanted)
        created = await _new_ticket(s, source, moving, subject, actor, now)
        await move_interactions(s, wanted, created.id)
        source_changed = await _after_split(s, source, now)
        await link_in(s, source, created, "related", actor, now)
        by = f"by {actor.name}"
        source_line = await system_line(
            s, source, f"{len(wanted)} messages split off to ticket #{created.id} {by}", actor, now, split_to=created.id
        )
        created_line = await system_line(
            s, created, f"Split off from ticket #{source.id} {by}", actor, now, split_from=source.id
        )
        await record(
            s,
            source,
            actor,
            now,
            "ticket.split",
            f"split into #{created.id} {by}",
            into=created.id,
            interaction_ids=wanted,
        )
        await record(
            s,
            created,
            actor,
            now,
            "ticket.split_from",
            f"split from #{source.id} {by}",
            source=source.id,
            interaction_ids=wanted,
        )
        await s.flush()
        source_snap = TicketSnapshot.of(source, customer, queue)
        created_snap = TicketSnapshot.of(created, customer, queue)
        uow.emit(TicketCreated(created_snap))
        uow.emit(TicketUpdated(source_snap, ("split", *source_changed)))
        uow.emit(MessageCreated(source_snap, source_line))
        uow.emit(MessageCreated(created_snap, created_line))
    return Split(source_snap, created_snap, len(wanted))


async def _chosen(s: AsyncSession, ticket_id: int, wanted: list[int]) -> list[Interaction]:
    found = list(
        await s.scalars(
            select(Interaction)
            .where(Interaction.id.in_(wanted), Interaction.ticket_id == ticket_id)
            .order_by(Interaction.created_at, Interaction.id)
        )
    )
    missing = sorted(set(wanted) - {i.id for i in found})
    if missing:
        raise ReplyError("message %(message)s is not on ticket %(ticket)s", message=missing[0], ticket=ticket_id)
    total = await s.scalar(select(func.count()).select_from(Interaction).where(Interaction.ticket_id == ticket_id))
    if total == len(found):
        raise ReplyError("at least one message stays on the ticket; to move them all, merge it instead")
    return found


async def _new_ticket(
    s: AsyncSession, source: Ticket, moving: list[Interaction], subject: str | None, actor: Principal, now: datetime
) -> Ticket:
    """The same customer, channel, queue, priority, tags, needs and owner; the source's due times (the customer
    asked then), answered if an agent's reply moves with the messages."""
    contacts = [i for i in moving if i.direction in CONTACTS]
    first_question = next((i for i in moving if i.direction == "inbound"), moving[0])
    answered = [i.created_at for i in moving if i.direction == "outbound" and not (i.meta or {}).get("automatic")]
    ticket = Ticket(
        customer_id=source.customer_id,
        subject=subject_from_text((subject or "").strip() or first_question.text or source.subject),
        status=Status.OPEN.value if answered else Status.NEW.value,
        priority=source.priority,
        channel=source.channel,
        queue_id=source.queue_id,
        assignee_id=source.assignee_id,
        tags=list(source.tags or ()),
        requirements=dict(source.requirements or {}),
        assignment={
            "agent_id": source.assignee_id,
            "by": actor.name,
            "at": now.isoformat(),
            "reasons": [f"split from ticket #{source.id}"],
        }
        if source.assignee_id
        else {},
        first_response_due_at=source.first_response_due_at,
        resolution_due_at=source.resolution_due_at,
        first_responded_at=min(answered) if answered else None,
        last_message_at=max((i.created_at for i in contacts), default=now),
        created_at=now,
        updated_at=now,
    )
    s.add(ticket)
    await s.flush()
    await search.index_subject(s, ticket.id, ticket.subject)
    return ticket


async def _after_split(s: AsyncSession, source: Ticket, now: datetime) -> list[str]:
    """The source's last message is now the latest that stayed."""
    latest = await s.scalar(
        select(func.max(Interaction.created_at)).where(
            Interaction.ticket_id == source.id, Interaction.direction.in_(CONTACTS)
        )
    )
    source.updated_at = now
    if latest is not None and latest != source.last_message_at:
        source.last_message_at = latest
        return ["last_message_at"]
    return []
