"""What a ticket's customer wrote, as routing reads it for skills and language: the subject and the words of the
first message (for mail the text the customer wrote, quoted history and forwarded mail left out), so a mail titled
"Question" that says "我要退款" needs refunds and Chinese."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Interaction, Ticket

MAX_CHARS = 4000  # the opening of a long message says what it is about; keyword rules need no more


async def customer_words(session: AsyncSession, ticket: Ticket) -> str:
    first = await session.scalar(
        select(Interaction.text)
        .where(Interaction.ticket_id == ticket.id, Interaction.direction == "inbound")
        .order_by(Interaction.id)
        .limit(1)
    )
    return words_of(ticket, first)


async def first_messages(session: AsyncSession, ticket_ids: Collection[int]) -> dict[int, str | None]:
    """The first inbound message's text of each ticket, in one query for a batch (tickets without one: absent)."""
    if not ticket_ids:
        return {}
    firsts = (
        select(func.min(Interaction.id))
        .where(Interaction.ticket_id.in_(ticket_ids), Interaction.direction == "inbound")
        .group_by(Interaction.ticket_id)
    )
    rows = await session.execute(select(Interaction.ticket_id, Interaction.text).where(Interaction.id.in_(firsts)))
    return dict(rows.all())


def words_of(ticket: Ticket, first: str | None) -> str:
    return "\n".join(t for t in (ticket.subject, (first or "")[:MAX_CHARS]) if t)
