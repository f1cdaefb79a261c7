"""Tickets an agent opens: for a known customer or one named by an identity, on a channel, with a first message
kept as a note or sent out (the agent writing first), checked by the reply rules like any reply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents import audit
from hub.agents.accounts import Principal
from hub.clock import utcnow
from hub.customers.identities import InvalidIdentity, resolve_customer
from hub.db.engine import Database
from hub.db.models import Customer, Identity
from hub.envelopes import IdentityRef, storable_text
from hub.events import MessageCreated, TicketCreated
from hub.events.snapshots import InteractionSnapshot, TicketSnapshot
from hub.tickets.channel_facts import ReplyChannels
from hub.tickets.model import queue_by_name, subject_from_text
from hub.tickets.opening import Opening, open_ticket
from hub.tickets.refusals import Refusal, ReplyError, ReplyRefused
from hub.tickets.replies import write_reply
from hub.tickets.reply_rules import Reply, check_author

SlaMinutes = Callable[[str, str], tuple[int | None, int | None]]  # (tier, channel) -> minutes, None: default


@dataclass(frozen=True, slots=True)
class NewTicket:
    """What the agent asks for: exactly one of customer_id and identity."""

    channel: str
    text: str
    customer_id: int | None = None
    identity: IdentityRef | None = None
    customer_name: str | None = None  # for a customer the identity makes
    subject: str | None = None
    priority: str | None = None  # the customer's tier's when left out
    tags: tuple[str, ...] = ()
    queue: str | None = None
    send: bool = False  # send the text to the customer; otherwise it is an internal note


@dataclass(frozen=True, slots=True)
class Promises:
    """The service targets a new ticket starts with: the policy's for the tier and channel, else the defaults."""

    default_queue: str
    first_response: timedelta
    resolution: timedelta
    by_tier: SlaMinutes | None = None

    def targets(self, tier: str, channel: str) -> tuple[timedelta, timedelta]:
        """(first response, resolution) in business time of the ticket's queue."""
        first, resolution = self.by_tier(tier, channel) if self.by_tier else (None, None)
        return (
            timedelta(minutes=first) if first else self.first_response,
            timedelta(minutes=resolution) if resolution else self.resolution,
        )


async def create_ticket(
    db: Database, new: NewTicket, actor: Principal, promises: Promises, channels: ReplyChannels
) -> tuple[TicketSnapshot, InteractionSnapshot]:
    """Open the ticket and store its first message in one transaction: a refused message (ReplyRefused) leaves
    no ticket behind. ReplyError for an unknown customer, queue or channel; audited; announced after commit."""
    reply = Reply(new.text.strip(), note=not new.send)
    check_author(actor, reply)
    if new.channel not in channels:
        known = ", ".join(sorted(c.kind for c in channels))
        raise ReplyError("no channel '%(channel)s' runs here; use one of %(known)s", channel=new.channel, known=known)
    now = utcnow()
    async with db.write() as uow:
        s = uow.session
        customer = await _customer(s, new)
        if new.send:
            await _check_reachable(s, customer, new.channel, channels)
        try:
            queue = await queue_by_name(s, new.queue or promises.default_queue)
        except LookupError:
            raise ReplyError("queue '%(queue)s' does not exist", queue=str(new.queue)) from None
        first_response, resolution = promises.targets(customer.tier, new.channel)
        subject = subject_from_text(storable_text(new.subject or "").strip() or reply.text or "(no text)")
        ticket = await open_ticket(
            s,
            Opening(customer=customer, queue=queue, channel=new.channel, text=subject, first_response=first_response,
                    resolution=resolution, now=now, priority=new.priority, tags=new.tags,
                    summary=f"{subject} (opened by {actor.name})"),
        )  # fmt: skip
        interaction, _changes = await write_reply(s, ticket, customer, actor, reply, channels, now)
        audit.record(s, actor, "ticket.created", "ticket", ticket.id, channel=ticket.channel, sent=new.send,
                     interaction_id=interaction.id)  # fmt: skip
        await s.flush()
        snapshot = TicketSnapshot.of(ticket, customer, queue.name)
        message = InteractionSnapshot.of(interaction)
        uow.emit(TicketCreated(snapshot))
        uow.emit(MessageCreated(snapshot, message))
    return snapshot, message


async def _customer(s: AsyncSession, new: NewTicket) -> Customer:
    if new.identity is not None:
        try:
            return await resolve_customer(s, new.identity, storable_text(new.customer_name or "").strip() or None)
        except InvalidIdentity as exc:
            raise ReplyError("the identity cannot be used: %(why)s", why=str(exc)) from None
    assert new.customer_id is not None
    customer = await s.get(Customer, new.customer_id, with_for_update=s.get_bind().dialect.name != "sqlite")
    if customer is None:
        raise ReplyError("customer %(customer)s does not exist", customer=new.customer_id)
    if customer.merged_into_id is not None:
        raise ReplyError(
            "customer %(customer)s was merged into customer %(target)s; use that one",
            customer=customer.id,
            target=customer.merged_into_id,
        )
    return customer


async def _check_reachable(s: AsyncSession, customer: Customer, channel: str, channels: ReplyChannels) -> None:
    """A message sent first needs an address on that channel (a call cannot be sent: its answers go by text)."""
    kind = channels.get(channel).identity_kind
    if channel == "voice.twilio" or not await s.scalar(
        select(Identity.id).where(Identity.customer_id == customer.id, Identity.kind == kind).limit(1)
    ):
        raise ReplyRefused(
            Refusal.UNREACHABLE,
            "the customer has no %(kind)s identity to reach on %(channel)s",
            kind=kind,
            channel=channel,
        )
