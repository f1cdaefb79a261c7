"""A ticket with its customer and queue name, read (and on PostgreSQL locked) in the order every writer uses."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Customer, Queue, Ticket
from hub.tickets.refusals import TicketNotFound


async def load_ticket(session: AsyncSession, ticket_id: int, *, lock: bool = False) -> tuple[Ticket, Customer, str]:
    """With lock (writes on PostgreSQL), rows are locked in the order every writer uses: customer, then
    ticket. Ingest holds the customer while it updates the ticket; any other order can deadlock.
    Two statements (every accept, reply and solve pays them): the customer found through the ticket, then the
    ticket with its queue's name."""
    owner = select(Ticket.customer_id).where(Ticket.id == ticket_id).scalar_subquery()
    customers = select(Customer).where(Customer.id == owner).execution_options(populate_existing=True)
    customer = await session.scalar(customers.with_for_update() if lock else customers)
    if customer is None:
        raise TicketNotFound("ticket %(ticket)s does not exist", ticket=ticket_id)
    tickets = (
        select(Ticket, Queue.name)
        .join(Queue, Queue.id == Ticket.queue_id)
        .where(Ticket.id == ticket_id)
        .execution_options(populate_existing=True)
    )
    row = (await session.execute(tickets.with_for_update(of=Ticket) if lock else tickets)).first()
    if row is None:
        raise TicketNotFound("ticket %(ticket)s does not exist", ticket=ticket_id)
    return row[0], customer, row[1]
