"""Agent messages on a ticket: replies and internal notes, each checked by the reply rules and stored with
its outbox row and history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents import audit
from hub.agents.accounts import Principal
from hub.clock import utcnow
from hub.customers import history
from hub.db.engine import Database, UnitOfWork
from hub.db.models import Customer, Interaction, OutboxItem, Ticket
from hub.events import MessageCreated, TicketUpdated
from hub.events.snapshots import InteractionSnapshot, TicketSnapshot
from hub.tickets import search
from hub.tickets.channel_facts import ReplyChannels
from hub.tickets.locking import load_ticket
from hub.tickets.model import Status
from hub.tickets.refusals import ReplyError, TicketNotFound
from hub.tickets.reply_markup import formatted
from hub.tickets.reply_rules import MAX_REPLY_CHARS, Reply, check_author, check_reply

__all__ = ["MAX_REPLY_CHARS", "ReplyError", "TicketNotFound", "load_ticket", "post_reply"]


async def post_reply(
    db: Database,
    ticket_id: int,
    actor: Principal,
    text: str,
    *,
    note: bool = False,
    automatic: bool = False,
    channel: str | None = None,
    mentions: tuple[int, ...] = (),
    coach: bool = False,
    attachments: list[dict[str, Any]] | None = None,
    channels: ReplyChannels | None = None,
    markdown: bool = False,
    articles: tuple[int, ...] = (),
) -> tuple[TicketSnapshot, InteractionSnapshot]:
    """Store the reply (or note) and its outbox row; delivery happens after commit. Refused (ReplyRefused) at
    the first reply rule it breaks; `channels` are the running channels the rules consult (without them only
    the fixed limits apply). An automatic message (an acknowledgement, a survey) is no first response and
    changes neither status nor owner. `channel` answers on another of the customer's channels than the ticket's.
    A `markdown` reply is stored as plain text plus sanitised HTML (`articles`: those inserted in full)."""
    reply = Reply(text.strip(), note, automatic, channel, tuple(mentions), coach, tuple(attachments or ()),
                  markdown=markdown, articles=tuple(articles))  # fmt: skip
    check_author(actor, reply)
    async with db.write() as uow:
        ticket, customer, queue = await load_ticket(uow.session, ticket_id, lock=not db.is_sqlite)
        return await reply_on(uow, ticket, customer, queue, actor, reply, channels)


async def reply_on(
    uow: UnitOfWork,
    ticket: Ticket,
    customer: Customer,
    queue: str,
    actor: Principal,
    reply: Reply,
    channels: ReplyChannels | None,
) -> tuple[TicketSnapshot, InteractionSnapshot]:
    """post_reply's work on a ticket the caller's transaction has loaded (and locked): a survey is written with
    its message in one transaction."""
    s, now = uow.session, utcnow()
    interaction, changes = await write_reply(s, ticket, customer, actor, reply, channels, now)
    ticket.updated_at = now
    kind = "note.created" if reply.note else "reply.created"
    audit.record(s, actor, kind, "ticket", ticket.id, interaction_id=interaction.id)
    await s.flush()
    ticket_snap = TicketSnapshot.of(ticket, customer, queue)
    msg_snap = InteractionSnapshot.of(interaction)
    uow.emit(MessageCreated(ticket_snap, msg_snap))
    if changes:
        uow.emit(TicketUpdated(ticket_snap, tuple(changes)))
    return ticket_snap, msg_snap


async def write_reply(
    s: AsyncSession,
    ticket: Ticket,
    customer: Customer,
    actor: Principal,
    reply: Reply,
    channels: ReplyChannels | None,
    now: datetime,
) -> tuple[Interaction, list[str]]:
    """Check and store a reply (or note) in the caller's transaction (a new ticket's first message too): the
    message, its outbox row and history, and the ticket fields it changed. ReplyRefused by the reply rules."""
    reply = await formatted(s, ticket, reply, channels)
    meta = await check_reply(s, ticket, customer, reply, channels, now)
    interaction = await _store(s, ticket, actor, reply, meta, now)
    await _record_history(s, ticket, interaction, reply, now)
    changes = [] if reply.note else _advance(ticket, reply, now)
    if not (reply.note or reply.automatic):
        changes += await _take_or_accept(s, ticket, actor, now)
    return interaction, changes


async def _store(
    s: AsyncSession, ticket: Ticket, actor: Principal, reply: Reply, rule_meta: dict[str, Any], now: datetime
) -> Interaction:
    """The message itself and, for a reply, its outbox row (sent after commit)."""
    meta: dict[str, Any] = {"author": actor.name, "via": actor.kind, **rule_meta}
    if reply.automatic:
        meta["automatic"] = True
    on = reply.on(ticket)
    interaction = Interaction(
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        direction="note" if reply.note else "outbound",
        channel=on,
        author_agent_id=actor.agent_id,
        text=reply.text,
        html=reply.html,
        meta=meta,
        attachments=list(reply.attachments),
        delivery_status=None if reply.note else "queued",
        created_at=now,
    )
    s.add(interaction)
    await s.flush()
    coach_for = meta.get("coach_for") if reply.note else None
    await search.index_message(
        s, interaction.id, ticket.id, reply.text, coach_for if isinstance(coach_for, int) else None
    )
    if not reply.note:
        s.add(OutboxItem(interaction_id=interaction.id, channel=on, next_attempt_at=now))
    return interaction


async def _record_history(
    s: AsyncSession, ticket: Ticket, interaction: Interaction, reply: Reply, now: datetime
) -> None:
    if reply.note and reply.coach:
        return  # coaching is between a supervisor and an agent: not part of the customer's history
    await history.record(
        s,
        customer_id=ticket.customer_id,
        kind="note" if reply.note else "contact.outbound",
        at=now,
        summary=reply.text,
        channel=ticket.channel if reply.note else interaction.channel,
        ticket_id=ticket.id,
        interaction_id=interaction.id,
    )


def _advance(ticket: Ticket, reply: Reply, now: datetime) -> list[str]:
    """A person's reply is the first response and opens a new or solved ticket; every reply is its last message."""
    changes: list[str] = []
    if not reply.automatic and ticket.first_responded_at is None:
        ticket.first_responded_at = now
        changes.append("first_responded_at")
    if ticket.status in (Status.NEW, Status.SOLVED) and not reply.automatic:
        ticket.status = Status.OPEN.value
        ticket.solved_at = None
        changes.append("status")
    ticket.last_message_at = now
    changes.append("last_message_at")
    return changes


async def _take_or_accept(s: AsyncSession, ticket: Ticket, actor: Principal, now: datetime) -> list[str]:
    """A person's reply takes an unowned ticket or accepts the offer made to them. (A note is a word among
    colleagues: owners change through routing or a reassignment, each with its history line.)"""
    if ticket.assignee_id is None and actor.agent_id is not None:
        # Whoever answers an unassigned ticket owns it, as in Chatwoot and Zendesk.
        ticket.assignee_id = actor.agent_id
        ticket.offer_expires_at = None
        ticket.assignment = {"agent_id": actor.agent_id, "by": actor.name, "at": now.isoformat(),
                             "reasons": [f"took it by answering ({actor.name}, {actor.role})"]}  # fmt: skip
        await history.record(s, customer_id=ticket.customer_id, kind="ticket.assigned", at=now,
                             summary=f"to agent {actor.agent_id} by answering ({actor.name})",
                             channel=ticket.channel, ticket_id=ticket.id)  # fmt: skip
        return ["assignee_id", "assignment"]
    if ticket.offer_expires_at is not None and ticket.assignee_id == actor.agent_id:
        # Answering a ticket offered to you accepts the offer.
        ticket.offer_expires_at = None
        ticket.assignment = {**ticket.assignment, "state": "accepted", "accepted_at": now.isoformat()}
        return ["assignment"]
    return []
