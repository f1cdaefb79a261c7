"""Agent messages on a ticket: replies and internal notes, each stored with its outbox row and history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents import audit
from hub.agents.accounts import Principal
from hub.clock import utcnow
from hub.customers import history
from hub.customers.consent import has_consent
from hub.db.engine import Database
from hub.db.models import Customer, Interaction, OutboxItem, Queue, Ticket
from hub.events import MessageCreated, TicketUpdated
from hub.snapshots import InteractionSnapshot, TicketSnapshot
from hub.tickets.model import Status

MAX_REPLY_CHARS = 65_536


class ReplyError(ValueError):
    pass


class TicketNotFound(LookupError):
    pass


async def load_ticket(session: AsyncSession, ticket_id: int, *, lock: bool = False) -> tuple[Ticket, Customer, str]:
    """With lock (writes on PostgreSQL), rows are locked in the order every writer uses: customer, then
    ticket. Ingest holds the customer while it updates the ticket; any other order can deadlock."""
    customer_id = await session.scalar(select(Ticket.customer_id).where(Ticket.id == ticket_id))
    if customer_id is None:
        raise TicketNotFound(f"ticket {ticket_id} does not exist")
    customer = await session.get_one(Customer, customer_id, with_for_update=lock)
    ticket = await session.get(Ticket, ticket_id, with_for_update=lock)
    if ticket is None:
        raise TicketNotFound(f"ticket {ticket_id} does not exist")
    queue = await session.get_one(Queue, ticket.queue_id)
    return ticket, customer, queue.name


async def post_reply(
    db: Database,
    ticket_id: int,
    actor: Principal,
    text: str,
    *,
    note: bool = False,
    reply_window: Callable[[str], timedelta | None] = lambda _channel: None,
    automatic: bool = False,
    channel: str | None = None,
    extra_meta: dict[str, Any] | None = None,
    attachments: list[dict[str, Any]] | None = None,
) -> tuple[TicketSnapshot, InteractionSnapshot]:
    """Store the reply (or note) and its outbox row; delivery happens after commit. An automatic message
    (an acknowledgement) is no first response and changes neither status nor owner. `channel` answers on
    another of the customer's channels than the ticket's; `extra_meta` carries a note's mentions or coaching."""
    text = text.strip()
    if not text:
        raise ReplyError("a reply needs some text")
    if len(text) > MAX_REPLY_CHARS:
        raise ReplyError(f"a reply is limited to {MAX_REPLY_CHARS} characters")
    now = utcnow()
    async with db.write() as uow:
        s = uow.session
        ticket, customer, queue = await load_ticket(s, ticket_id, lock=not db.is_sqlite)
        if ticket.status == Status.CLOSED and not note:
            raise ReplyError("this ticket is closed; the customer's next contact opens a new one")
        on = channel or ticket.channel
        if not note and has_consent(customer.attributes or {}, on) is False:
            raise ReplyError(
                f"the customer opted out of {on} messages (for SMS: they texted STOP); "
                "answer on another channel, or wait until they opt in again (START)"
            )
        window = None if note else reply_window(on)
        if window is not None:
            await _check_window(s, ticket, on, window, now)
        meta: dict[str, Any] = {"author": actor.name, "via": actor.kind, **(extra_meta or {})}
        if automatic:
            meta["automatic"] = True
        interaction = Interaction(
            ticket_id=ticket.id,
            customer_id=ticket.customer_id,
            direction="note" if note else "outbound",
            channel=on,
            author_agent_id=actor.agent_id,
            text=text,
            meta=meta,
            attachments=list(attachments or ()),
            delivery_status=None if note else "queued",
            created_at=now,
        )
        s.add(interaction)
        await s.flush()
        changes: list[str] = []
        if note and "coach_for" in meta:
            pass  # coaching is between a supervisor and an agent: not part of the customer's history
        elif note:
            await history.record(
                s,
                customer_id=ticket.customer_id,
                kind="note",
                at=now,
                summary=text,
                channel=ticket.channel,
                ticket_id=ticket.id,
                interaction_id=interaction.id,
            )
        else:
            s.add(OutboxItem(interaction_id=interaction.id, channel=on, next_attempt_at=now))
            await history.record(
                s,
                customer_id=ticket.customer_id,
                kind="contact.outbound",
                at=now,
                summary=text,
                channel=on,
                ticket_id=ticket.id,
                interaction_id=interaction.id,
            )
            if not automatic and ticket.first_responded_at is None:
                ticket.first_responded_at = now
                changes.append("first_responded_at")
            if ticket.status in (Status.NEW, Status.SOLVED) and not automatic:
                ticket.status = Status.OPEN.value
                ticket.solved_at = None
                changes.append("status")
            ticket.last_message_at = now
            changes.append("last_message_at")
        # A note is a word among colleagues: it never takes the ticket or answers an offer (owners change
        # through routing or a reassignment, each with its history line).
        if note or automatic:
            pass
        elif ticket.assignee_id is None and actor.agent_id is not None:
            # Whoever answers an unassigned ticket owns it, as in Chatwoot and Zendesk.
            ticket.assignee_id = actor.agent_id
            ticket.offer_expires_at = None
            ticket.assignment = {"agent_id": actor.agent_id, "by": actor.name, "at": now.isoformat(),
                                 "reasons": [f"took it by answering ({actor.name}, {actor.role})"]}  # fmt: skip
            changes.extend(("assignee_id", "assignment"))
            await history.record(s, customer_id=ticket.customer_id, kind="ticket.assigned", at=now,
                                 summary=f"to agent {actor.agent_id} by answering ({actor.name})",
                                 channel=ticket.channel, ticket_id=ticket.id)  # fmt: skip
        elif ticket.offer_expires_at is not None and ticket.assignee_id == actor.agent_id:
            # Answering a ticket offered to you accepts the offer.
            ticket.offer_expires_at = None
            ticket.assignment = {**ticket.assignment, "state": "accepted", "accepted_at": now.isoformat()}
            changes.append("assignment")
        ticket.updated_at = now
        audit.record(
            s, actor, "note.created" if note else "reply.created", "ticket", ticket.id, interaction_id=interaction.id
        )
        await s.flush()
        ticket_snap = TicketSnapshot.of(ticket, customer, queue)
        msg_snap = InteractionSnapshot.of(interaction)
        uow.emit(MessageCreated(ticket_snap, msg_snap))
        if changes:
            uow.emit(TicketUpdated(ticket_snap, tuple(changes)))
    return ticket_snap, msg_snap


async def _check_window(s: AsyncSession, ticket: Ticket, channel: str, window: timedelta, now: datetime) -> None:
    """Refuse up front what the provider would refuse later, with a reason the agent can act on."""
    last = await s.scalar(
        select(func.max(Interaction.created_at)).where(
            Interaction.customer_id == ticket.customer_id,
            Interaction.channel == channel,
            Interaction.direction == "inbound",
        )
    )
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    if last is None or now - last > window:
        hours = int(window.total_seconds() // 3600)
        seen = last.strftime("%Y-%m-%d %H:%M UTC") if last else "never"
        raise ReplyError(
            f"{channel} accepts replies only within {hours} hours of the customer's last message "
            f"(last message: {seen}); ask them to write again, or answer on another channel"
        )
