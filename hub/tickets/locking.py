"""A ticket with its customer and queue name, read (and on PostgreSQL locked) in the order every writer uses."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Customer, Queue, Ticket
from hub.tickets.refusals import TicketNotFound


async def load_ticket(session: AsyncSession, ticket_id: int, *, lock: bool = False) -> tuple[Ticket, Customer, str]:
    """With lock (writes on PostgreSQL), rows are locked in the order every writer uses: customer, then
    ticket. Ingest holds the customer while it updates the ticket; any other order can deadlock."""
    customer_id = await session.scalar(select(Ticket.customer_id).where(Ticket.id == ticket_id))
    if customer_id is None:
        raise TicketNotFound("ticket %(ticket)s does not exist", ticket=ticket_id)
    customer = await session.get_one(Customer, customer_id, with_for_update=lock)
    ticket = await session.get(Ticket, ticket_id, with_for_update=lock)
    if ticket is None:
        raise TicketNotFound("ticket %(ticket)s does not exist", ticket=ticket_id)
    queue = await session.get_one(Queue, ticket.queue_id)
    return ticket, customer, queue.name
