"""What a ticket's customer wrote, as routing reads it for skills and language: the subject and the words of the
first message (for mail the text the customer wrote, quoted history and forwarded mail left out), so a mail titled
"Question" that says "我要退款" needs refunds and Chinese."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Interaction

if TYPE_CHECKING:
    from hub.routing.rows import AnyTicket

MAX_CHARS = 4000  # the opening of a long message says what it is about; keyword rules need no more


async def customer_words(session: AsyncSession, ticket: AnyTicket) -> str:
    first = await session.scalar(
        select(Interaction.text)
        .where(Interaction.ticket_id == ticket.id, Interaction.direction == "inbound")
        .order_by(Interaction.id)
        .limit(1)
    )
    return words_of(ticket, first)


def words_of(ticket: AnyTicket, first: str | None) -> str:
    return "\n".join(t for t in (ticket.subject, (first or "")[:MAX_CHARS]) if t)
