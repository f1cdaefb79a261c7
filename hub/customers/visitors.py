"""What one chat visitor may see again: the conversations they wrote in, never the rest of the customer's past.

A visitor's messages are told apart by their message ids, which all start with the visitor's prefix (see
hub/channels/webchat/channel.py). A customer may have several visitors (their phone and laptop, or someone
who only says they are them); each resumes only the tickets they wrote in, with our replies there.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.customers.identities import find_customer
from hub.db.models import Interaction
from hub.envelopes import IdentityRef

CHANNEL = "webchat"
TICKETS_SCANNED = 50  # the visitor's most recent tickets considered for the resumed history


@dataclass(frozen=True, slots=True)
class VisitorView:
    customer_id: int
    messages: list[Interaction]  # oldest first: their messages and our replies, no notes
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
    return VisitorView(customer.id, rows, rows[-1].ticket_id if rows else None)
