"""Store one inbound contact inside an open transaction: dedup, identity, thread, interaction, history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import nh3
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from hub.customers import history
from hub.customers.claims import resolve_claimed
from hub.customers.identities import attach_identity, resolve_customer
from hub.db.engine import Database, UnitOfWork
from hub.db.models import INTERACTIONS, TICKETS, Customer, Interaction, Queue, Ticket
from hub.envelopes import Attachment, InboundEnvelope, storable_json, storable_text
from hub.events import MessageReceived, TicketCreated, TicketUpdated
from hub.events.snapshots import InteractionSnapshot, TicketSnapshot
from hub.tickets import search, sla, surveys
from hub.tickets.model import Status, ThreadAction, ThreadDecision, choose_thread, queue_by_name
from hub.tickets.opening import Opening, OpeningCustomer, OpeningQueue, open_ticket

if TYPE_CHECKING:  # settings sit above the domain: they are handed over
    from hub.settings import Settings

# Built once: per-contact statements skip construction and reuse their memoized cache keys.
_SEEN = select(Interaction.id).where(
    Interaction.channel == bindparam("channel"), Interaction.external_id == bindparam("external_id")
)
_TOUCH_TICKET = (
    update(TICKETS)
    .where(TICKETS.c.id == bindparam("ticket_id"))
    .values(
        status=bindparam("status"),
        last_message_at=bindparam("last_message_at"),
        updated_at=bindparam("updated_at"),
        solved_at=bindparam("solved_at"),
        remind_at=bindparam("remind_at"),
    )
)
_INSERT_INTERACTION = insert(INTERACTIONS).returning(INTERACTIONS.c.id)
# cid: names a mail's own inline image (the console shows it from storage); it can fetch nothing by itself.
_HTML_SCHEMES = nh3.ALLOWED_URL_SCHEMES | {"cid"}


@dataclass(frozen=True, slots=True)
class IngestResult:
    ticket: TicketSnapshot
    interaction: InteractionSnapshot
    duplicate: bool
    action: ThreadAction | None  # None for a duplicate


SlaPolicy = Callable[[str, str], tuple[int | None, int | None]]  # (tier, channel) -> minutes


class ContactWriter:
    def __init__(self, settings: Settings, sla: SlaPolicy | None = None) -> None:
        self._sla = sla
        self._default_queue = settings.default_queue
        self._reopen_window = timedelta(hours=settings.reopen_window_hours)
        self._first_response = timedelta(minutes=settings.sla_first_response_minutes)
        self._resolution = timedelta(minutes=settings.sla_resolution_minutes)
        self._queue_names: dict[int, str] = {}

    @staticmethod
    async def find_duplicate(session: AsyncSession, env: InboundEnvelope) -> IngestResult | None:
        found = (
            await session.execute(
                select(Interaction, Ticket, Customer, Queue.name)
                .join(Ticket, Ticket.id == Interaction.ticket_id)
                .join(Customer, Customer.id == Ticket.customer_id)
                .join(Queue, Queue.id == Ticket.queue_id)
                .where(Interaction.channel == env.channel, Interaction.external_id == env.external_id)
            )
        ).first()
        if found is None:
            return None
        interaction, ticket, customer, queue = found
        return IngestResult(TicketSnapshot.of(ticket, customer, queue), InteractionSnapshot.of(interaction), True, None)

    async def queue_name(self, session: AsyncSession, queue_id: int) -> str:
        # Queues are configuration: renamed rarely, never deleted, so their names are safe to keep.
        name = self._queue_names.get(queue_id)
        if name is None:
            name = (await session.get_one(Queue, queue_id)).name
            self._queue_names[queue_id] = name
        return name

    async def store(self, uow: UnitOfWork, env: InboundEnvelope) -> IngestResult:
        """Store one contact in the caller's transaction; its events go out when that commits."""
        # The contact opened or moved the ticket, so ticket milestones and SLA clocks share its time.
        now = env.received_at
        s = uow.session
        # A one-index probe first; the joined load only runs for an actual duplicate.
        seen = await s.scalar(_SEEN, {"channel": env.channel, "external_id": env.external_id})
        if seen is not None:
            duplicate = await self.find_duplicate(s, env)
            assert duplicate is not None
            return duplicate
        name = storable_text(env.sender_name) if env.sender_name else None
        if env.claim is not None:
            customer = await resolve_claimed(s, env.sender, env.claim, name)
        else:
            customer = await resolve_customer(s, env.sender, name, also=env.extra_identities)
        for extra in env.extra_identities:
            await attach_identity(s, customer, extra)
        hint = env.thread_ticket_id
        if env.thread_refs:
            # The newest stored message among those this one answers names the ticket (ours or theirs).
            hint = (
                await s.scalar(
                    select(Interaction.ticket_id)
                    .where(Interaction.channel == env.channel, Interaction.external_id.in_(env.thread_refs[:50]))
                    .order_by(Interaction.id.desc())
                    .limit(1)
                )
            ) or hint
        decision = await choose_thread(
            s,
            customer_id=customer.id,
            channel=env.channel,
            hint_ticket_id=hint,
            now=now,
            reopen_window=self._reopen_window,
            continue_latest=not env.explicit_threading,
        )
        if (
            decision.action == ThreadAction.REOPEN
            and decision.ticket is not None
            and await surveys.answer_by_reply(uow, decision.ticket.id, customer.id, env.text)
        ):
            decision = ThreadDecision(ThreadAction.REUSE, decision.ticket)  # a rating, not a new question
        if decision.ticket is None:
            ticket, queue_name = await self._open_ticket(s, env, customer)
        else:
            ticket = decision.ticket
            queue_name = await self.queue_name(s, ticket.queue_id)
            status_changed = await self._touch_ticket(s, ticket, decision.action, now)
        message = await self._append(s, env, ticket.id, customer.id)
        ticket_snap = TicketSnapshot.of(ticket, customer, queue_name)
        if decision.action == ThreadAction.NEW:
            uow.emit(TicketCreated(ticket_snap))
        elif status_changed:
            uow.emit(TicketUpdated(ticket_snap, ("status",)))
        # message.received carries the ticket too, so last_message_at needs no event of its own.
        uow.emit(MessageReceived(ticket_snap, message))
        return IngestResult(ticket_snap, message, False, decision.action)

    async def _open_ticket(self, s: AsyncSession, env: InboundEnvelope, customer: Customer) -> tuple[Ticket, str]:
        queue = await queue_by_name(s, self.queue_of(env))
        return await open_ticket(s, self.opening(env, customer, queue)), queue.name

    def queue_of(self, env: InboundEnvelope) -> str:
        return env.queue or self._default_queue

    def opening(self, env: InboundEnvelope, customer: OpeningCustomer, queue: OpeningQueue) -> Opening:
        """The ticket a first contact opens: the tier's SLA targets on this channel (the configured defaults where
        a tier sets none), the entry, language and skills the channel saw."""
        first, resolution = self._sla(customer.tier, env.channel) if self._sla else (None, None)
        return Opening(
            customer=customer,
            queue=queue,
            channel=env.channel,
            text=env.subject or env.text,
            first_response=timedelta(minutes=first) if first else self._first_response,
            resolution=timedelta(minutes=resolution) if resolution else self._resolution,
            now=env.received_at,
            tags=env.tags,
            requirements={
                **({"entry": env.entry[:200]} if env.entry else {}),
                **({"language": env.language[:16]} if env.language else {}),
                **({"entry_skills": {k[:64]: int(v) for k, v in env.skills.items()}} if env.skills else {}),
            },
        )

    @staticmethod
    async def _touch_ticket(s: AsyncSession, ticket: Ticket, action: ThreadAction, now: datetime) -> bool:
        """Move an existing ticket for a new contact with one UPDATE (no unit-of-work flush)."""
        status = ticket.status
        if action == ThreadAction.REOPEN:
            status = Status.OPEN.value
            await history.record(
                s,
                customer_id=ticket.customer_id,
                kind="ticket.reopened",
                at=now,
                summary=ticket.subject,
                channel=ticket.channel,
                ticket_id=ticket.id,
            )
        elif status == Status.PENDING:
            status = Status.OPEN.value  # the customer answered our question: the ball is back with us
        was = ticket.status
        changed = status != was
        # The customer wrote: a snoozed ticket's reminder is spent (hub/tickets/snooze.py).
        values = {"status": status, "last_message_at": now, "updated_at": now, "solved_at": ticket.solved_at,
                  "remind_at": None}  # fmt: skip
        if changed:
            values["solved_at"] = None
        await s.execute(_TOUCH_TICKET, {"ticket_id": ticket.id, **values})
        for key, value in values.items():
            set_committed_value(ticket, key, value)
        if changed:  # the customer answered a pending ticket: its SLA clocks run again
            await sla.follow_status_now(s, ticket, was, now)
        return changed

    @staticmethod
    async def _append(s: AsyncSession, env: InboundEnvelope, ticket_id: int, customer_id: int) -> InteractionSnapshot:
        """The contact itself and its history line, as two plain INSERTs."""
        values = contact_values(env, ticket_id, customer_id)
        interaction_id = await s.scalar(_INSERT_INTERACTION, values)
        assert interaction_id is not None
        await search.index_message(s, interaction_id, ticket_id, values["text"])
        await history.record(s, **history_values(values, interaction_id))
        return InteractionSnapshot.from_values(interaction_id, values)


def contact_values(env: InboundEnvelope, ticket_id: int, customer_id: int) -> dict[str, Any]:
    """The interactions row of an inbound contact (cleaned text and HTML, JSON-safe metadata)."""
    return {
        "ticket_id": ticket_id,
        "customer_id": customer_id,
        "direction": "inbound",
        "channel": env.channel,
        "external_id": env.external_id,
        "author_agent_id": None,
        "text": storable_text(env.text),
        "html": nh3.clean(storable_text(env.html), url_schemes=_HTML_SCHEMES) if env.html else None,
        "attachments": storable_json([asdict(a) for a in env.attachments]),
        "meta": storable_json(dict(env.meta)),
        "delivery_status": None,
        "delivery_error": None,
        "created_at": env.received_at,
    }


def history_values(values: dict[str, Any], interaction_id: int) -> dict[str, Any]:
    """The keyword arguments of history.record for a stored contact (its row values and id)."""
    return {
        "customer_id": values["customer_id"],
        "kind": "contact.inbound",
        "at": values["created_at"],
        "summary": values["text"],
        "channel": values["channel"],
        "ticket_id": values["ticket_id"],
        "interaction_id": interaction_id,
    }


async def add_attachments(
    db: Database, interaction_id: int, attachments: list[Attachment], warning: str | None = None
) -> None:
    """Media that arrives after the contact was stored (fetched once the provider had its answer)."""
    async with db.write() as uow:
        row = await uow.session.get(Interaction, interaction_id)
        if row is None:
            return
        row.attachments = [*row.attachments, *(asdict(a) for a in attachments)]
        if warning:
            row.meta = {**row.meta, "warnings": [*row.meta.get("warnings", []), warning]}
