"""A writer reads a ticket, its customer and its queue's name in two statements, and on PostgreSQL holds the
customer and the ticket (never the queue) until it commits."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import DBAPIError

from hub.db.engine import Database
from hub.db.models import Customer, Queue, Ticket
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.settings import Settings
from hub.tickets.ingest import Ingestor
from hub.tickets.locking import load_ticket
from hub.tickets.queues import sync_queues
from hub.tickets.refusals import TicketNotFound


async def a_ticket(db: Database, settings: Settings) -> int:
    await sync_queues(db, settings.queues)
    envelope = InboundEnvelope(channel="email", external_id="m-1", sender=IdentityRef("email", "li@example.cn"),
                               text="我的包裹还没到")  # fmt: skip
    return (await Ingestor(db, settings).ingest(envelope)).ticket.id


async def test_two_statements_give_the_ticket_its_customer_and_queue(db: Database, settings: Settings) -> None:
    ticket_id = await a_ticket(db, settings)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with db.write() as uow:
            ticket, customer, queue = await load_ticket(uow.session, ticket_id, lock=not db.is_sqlite)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert len(statements) == 2
    assert ticket.id == ticket_id and customer.id == ticket.customer_id
    async with db.read() as s:
        assert queue == await s.scalar(select(Queue.name).where(Queue.id == ticket.queue_id))
    async with db.write() as uow:
        with pytest.raises(TicketNotFound):
            await load_ticket(uow.session, ticket_id + 1000, lock=not db.is_sqlite)


async def test_the_customer_and_the_ticket_are_held_until_commit(db: Database, settings: Settings) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite has one writer at a time: no row locks")
    ticket_id = await a_ticket(db, settings)
    other = Database(db.url, db.bus)
    try:
        async with db.write() as uow:
            ticket, customer, _queue = await load_ticket(uow.session, ticket_id, lock=True)
            async with other.write() as theirs:
                for held in (select(Customer).where(Customer.id == customer.id),
                             select(Ticket).where(Ticket.id == ticket.id)):  # fmt: skip
                    with pytest.raises(DBAPIError, match="could not obtain lock"):
                        async with theirs.session.begin_nested():  # refused: back to before, not aborted
                            await theirs.session.execute(held.with_for_update(nowait=True))
                # The queue is only read: every writer of the queue's tickets shares it.
                free = select(Queue).where(Queue.id == ticket.queue_id).with_for_update(nowait=True)
                assert (await theirs.session.execute(free)).first() is not None
    finally:
        await other.dispose()
