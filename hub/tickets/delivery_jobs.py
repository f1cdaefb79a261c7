"""What a batch of claimed replies needs to be sent, read in three statements whatever the batch's size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Identity, Interaction, Queue, Ticket
from hub.envelopes import Attachment, DeliveryReceipt, IdentityRef, OutboundMessage
from hub.tickets.delivery_claims import Claim
from hub.wording import Wording

if TYPE_CHECKING:  # the channels sit above the domain: the app hands their registry over
    from hub.channels.base import Channel
    from hub.channels.registry import ChannelRegistry


@dataclass(frozen=True, slots=True)
class Job:
    """A claimed reply ready to go: its message for the channel, or the receipt that makes sending moot."""

    claim: Claim
    ticket_id: int
    queue: str
    outcome: DeliveryReceipt | tuple[Channel, OutboundMessage]


async def prepare(s: AsyncSession, claims: Sequence[Claim], channels: ChannelRegistry) -> list[Job]:
    """Jobs for the claims whose reply still exists (in the claims' order)."""
    i, t = Interaction, Ticket
    conn = await s.connection()  # Core rows, without the ORM's per-statement work
    replies = {
        row.id: row
        for row in await conn.execute(
            select(
                i.id,
                i.ticket_id,
                i.text,
                i.html,
                i.meta,
                i.attachments,
                t.customer_id,
                t.subject,
                Queue.name.label("queue"),
            )
            .join(t, t.id == i.ticket_id)
            .join(Queue, Queue.id == t.queue_id)
            .where(i.id.in_([c.interaction_id for c in claims]))
        )
    }
    tickets = {r.ticket_id for r in replies.values()}
    customers = {r.customer_id for r in replies.values()}
    # The newest address of each customer per kind: the channel decides which kind it sends to.
    addresses: dict[tuple[int, str], str] = {}
    for cid, kind, value in await conn.execute(
        select(Identity.customer_id, Identity.kind, Identity.value)
        .where(Identity.customer_id.in_(customers))
        .order_by(Identity.id)
    ):
        addresses[(cid, kind)] = value
    # The customer message each reply answers (newest inbound on the ticket and channel): email threads by
    # it, and replies from the mailbox it came to.
    newest = (
        select(func.max(i.id))
        .where(i.ticket_id.in_(tickets), i.direction == "inbound")
        .group_by(i.ticket_id, i.channel)
    )
    answered: dict[tuple[int, str], dict[str, Any]] = {
        (tid, ch): {"external_id": ext, **(meta or {})}
        for tid, ch, ext, meta in await conn.execute(
            select(i.ticket_id, i.channel, i.external_id, i.meta).where(i.id.in_(newest))
        )
    }
    jobs: list[Job] = []
    for c in claims:
        reply = replies.get(c.interaction_id)
        if reply is None:
            continue
        outcome: DeliveryReceipt | tuple[Channel, OutboundMessage]
        try:
            channel = channels.get(c.channel)
        except LookupError as exc:  # the registry's UnknownChannel: a channel no longer configured
            gone = Wording("the channel %(channel)s no longer runs here", {"channel": c.channel})
            outcome = DeliveryReceipt("failed", error=str(exc), problem=gone)
        else:
            address = addresses.get((reply.customer_id, channel.identity_kind))
            if address is None:
                kind = channel.identity_kind
                nowhere = Wording("the customer has no %(kind)s address", {"kind": kind})
                outcome = DeliveryReceipt("failed", error=f"customer has no {kind} address", problem=nowhere)
            else:
                msg = OutboundMessage(
                    interaction_id=reply.id,
                    ticket_id=reply.ticket_id,
                    channel=c.channel,
                    recipient=IdentityRef(channel.identity_kind, address),
                    text=reply.text,
                    html=reply.html,
                    subject=reply.subject,
                    meta=dict(reply.meta or {}),
                    reply_context=answered.get((reply.ticket_id, c.channel), {}),
                    attachments=tuple(Attachment(**a) for a in reply.attachments or ()),
                )
                outcome = (channel, msg)
        jobs.append(Job(c, reply.ticket_id, reply.queue, outcome))
    return jobs
