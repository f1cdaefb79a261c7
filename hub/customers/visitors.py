"""What one chat visitor may see again: the conversations they wrote in, never the rest of the customer's past.

A visitor's messages are told apart by their message ids, which all start with the visitor's prefix (see
hub/channels/webchat/channel.py). A customer may have several visitors (their phone and laptop, or someone
who only says they are them); each resumes only the tickets they wrote in, with our replies there.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.customers.identities import InvalidIdentity, find_customer
from hub.db.engine import Database
from hub.db.models import Interaction
from hub.envelopes import IdentityRef
from hub.events.snapshots import InteractionSnapshot

CHANNEL = "webchat"
TICKETS_SCANNED = 50  # the visitor's most recent tickets considered for the resumed history


@dataclass(frozen=True, slots=True)
class VisitorView:
    customer_id: int
    messages: list[InteractionSnapshot]  # oldest first: their messages and our replies, no notes
    ticket_id: int | None  # the ticket of their newest message: where the next one continues


async def visitor_view(session: AsyncSession, identity: IdentityRef, prefix: str, limit: int) -> VisitorView | None:
    """None for a visitor nobody knows (a new, expired or forged token)."""
    customer = await find_customer(session, identity)
    if customer is None:
        return None
    own = (
        select(Interaction.ticket_id)
        .where(
            Interaction.customer_id == customer.id,
            Interaction.channel == CHANNEL,
            Interaction.direction == "inbound",
            Interaction.external_id.startswith(prefix, autoescape=True),
        )
        .group_by(Interaction.ticket_id)
        .order_by(Interaction.ticket_id.desc())
        .limit(TICKETS_SCANNED)
    )
    tickets = list(await session.scalars(own))
    if not tickets:
        return VisitorView(customer.id, [], None)
    rows = list(
        await session.scalars(
            select(Interaction)
            .where(
                Interaction.ticket_id.in_(tickets),
                Interaction.channel == CHANNEL,
                Interaction.direction.in_(("inbound", "outbound")),
            )
            .order_by(Interaction.created_at.desc(), Interaction.id.desc())
            .limit(limit)
        )
    )
    rows.reverse()
    # On those tickets, our replies and their own messages (a ticket an agent merged in may hold others').
    rows = [r for r in rows if r.direction == "outbound" or (r.external_id or "").startswith(prefix)]
    return VisitorView(customer.id, [InteractionSnapshot.of(r) for r in rows], rows[-1].ticket_id if rows else None)


async def claims_same(session: AsyncSession, claimed: IdentityRef, verified: bool, customer_id: int) -> bool:
    """Whether the customer a visitor's claim names is this visitor's customer already (or nobody known)."""
    try:
        customer = await find_customer(session, claimed)
    except InvalidIdentity:
        return True
    # An unsigned claim of an e-mail nobody has leaves the visitor as they are; a signed one is somebody.
    return customer.id == customer_id if customer is not None else not verified


class VisitorBook:
    """What the chat channel may look up about a visitor, in one short read each."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def view(
        self, identity: IdentityRef, prefix: str, limit: int, claimed: IdentityRef | None = None, verified: bool = False
    ) -> VisitorView | None:
        """The visitor's chat to resume; None for an unknown visitor, or when `claimed` names someone else
        than the customer this visitor was so far (then the browser starts afresh as a new visitor)."""
        async with self._db.read() as s:
            view = await visitor_view(s, identity, prefix, limit)
            if (
                view is not None
                and claimed is not None
                and not await claims_same(s, claimed, verified, view.customer_id)
            ):
                return None
            return view
