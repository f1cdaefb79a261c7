"""New customers' first contacts stored in a batch: the same rows, index entries and events as one by one."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event, select, text

from hub.customers.duplicates import reindex
from hub.customers.search import search_customers
from hub.customers.tables import CustomerKey
from hub.db.engine import Database
from hub.db.models import Customer, HistoryEntry, Identity
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.events import MessageReceived, TicketCreated
from hub.settings import Settings
from hub.tickets.ingest import Ingestor
from hub.tickets.model import ThreadAction
from hub.tickets.queues import sync_queues
from tests.statements import statements


def sms(ext: str, phone: str, body: str, name: str | None = None) -> InboundEnvelope:
    return InboundEnvelope(channel="sms.twilio", external_id=ext, sender=IdentityRef("phone", phone), text=body,
                           sender_name=name)  # fmt: skip


def hear(db: Database) -> list[TicketCreated | MessageReceived]:
    """What the bus publishes of new tickets and messages, in order."""
    heard: list[TicketCreated | MessageReceived] = []

    async def on_event(event: TicketCreated | MessageReceived) -> None:
        heard.append(event)

    db.bus.subscribe(TicketCreated, on_event)
    db.bus.subscribe(MessageReceived, on_event)
    return heard


async def facts(db: Database, customer_id: int, ticket_id: int) -> dict[str, Any]:
    """What a first contact leaves behind, beyond its own message row."""
    async with db.write() as uow:
        s = uow.session
        customer = await s.get_one(Customer, customer_id)
        held = [(i.kind, i.value) for i in await s.scalars(select(Identity).where(Identity.customer_id == customer_id))]
        kinds = list(await s.scalars(select(HistoryEntry.kind).where(HistoryEntry.customer_id == customer_id)
                                     .order_by(HistoryEntry.id)))  # fmt: skip
        words = await s.scalar(text("SELECT count(*) FROM ticket_words WHERE ticket_id = :t"), {"t": ticket_id})
        stored_keys = sorted(await s.execute(select(CustomerKey.key, CustomerKey.weight)
                                             .where(CustomerKey.customer_id == customer_id)))  # fmt: skip
        await reindex(s, [customer_id])  # the keys as recomputed from the rows: the same as those written
        recomputed = sorted(await s.execute(select(CustomerKey.key, CustomerKey.weight)
                                            .where(CustomerKey.customer_id == customer_id)))  # fmt: skip
        found = {h.id for h in (await search_customers(s, held[0][1], 10, 0))[0]}
        named = {h.id for h in (await search_customers(s, customer.display_name, 10, 0))[0]}
    assert stored_keys and stored_keys == recomputed
    return {"name": customer.display_name, "tier": customer.tier, "identities": held, "history": kinds,
            "ticket_words": words, "found_by_identity": customer_id in found,
            "found_by_name": customer_id in named}  # fmt: skip


async def test_new_customers_in_a_batch_leave_what_one_by_one_leaves(db: Database, settings: Settings) -> None:
    await sync_queues(db, settings.queues)
    ingestor = Ingestor(db, settings)
    heard = hear(db)
    # The one-by-one path, for comparison: a first contact that names a ticket takes it.
    alone = InboundEnvelope(channel="sms.twilio", external_id="a0", sender=IdentityRef("phone", "+8613800000010"),
                            text="my parcel is late", sender_name="王小明", thread_ticket_id=10**6)  # fmt: skip
    one = await ingestor.ingest(alone)
    with statements(db) as sent:
        batch = await asyncio.gather(
            ingestor.ingest(sms("b0", "+86 138 0000 0011", "where is my order", "李娜")),
            ingestor.ingest(sms("c0", "+8613800000012", "refund please")),
            ingestor.ingest(sms("a1", "+8613800000010", "any news?")),  # a known customer beside them
        )
    b0, c0, a1 = batch
    opened = [statement for statement in sent if statement.startswith("INSERT INTO customers")]
    assert len(opened) == 1  # b0's and c0's customers in one statement: the batch path, not one by one
    assert b0.action == c0.action == ThreadAction.NEW and a1.action == ThreadAction.REUSE
    assert len({one.ticket.customer_id, b0.ticket.customer_id, c0.ticket.customer_id}) == 3
    assert a1.ticket.id == one.ticket.id
    assert b0.ticket.subject == "where is my order" and b0.ticket.customer_name == "李娜"
    assert b0.ticket.last_message_at == b0.interaction.created_at and b0.ticket.first_response_due_at is not None
    created = [e.ticket.id for e in heard if isinstance(e, TicketCreated)]
    messages = [e.interaction.id for e in heard if isinstance(e, MessageReceived)]
    assert sorted(created) == sorted(r.ticket.id for r in (one, b0, c0))
    assert sorted(messages) == sorted(r.interaction.id for r in (one, *batch))
    for result in (one, b0, c0):  # each ticket's creation is heard before its first message
        kinds = [type(e) for e in heard if e.ticket.id == result.ticket.id]
        assert kinds[:2] == [TicketCreated, MessageReceived]
    reference = await facts(db, one.ticket.customer_id, one.ticket.id)
    assert reference["history"][:2] == ["ticket.created", "contact.inbound"]
    reference["history"] = reference["history"][:2]  # a1 added a line of its own
    reference["ticket_words"] -= 1  # and a message row
    for result, name, phone in ((b0, "李娜", "+8613800000011"), (c0, "+8613800000012", "+8613800000012")):
        shown = await facts(db, result.ticket.customer_id, result.ticket.id)
        assert shown == {**reference, "name": name, "identities": [("phone", phone)]}


async def test_a_customer_created_meanwhile_is_found_not_made_twice(db: Database, settings: Settings) -> None:
    await sync_queues(db, settings.queues)
    ingestor = Ingestor(db, settings)
    phone = "+8613800000020"
    first = await ingestor.ingest(sms("x0", phone, "hello"))
    looks: list[str] = []

    def blind(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> tuple[str, Any]:
        # The batch's first look for the identity is sent for a number nobody has: it misses the customer, as if
        # another process had created it just after this batch looked. Later looks go as they were sent.
        if "FROM identities" in statement and phone in parameters and not looks:
            looks.append(statement)
            parameters = type(parameters)("+0000" if p == phone else p for p in parameters)
        return statement, parameters

    event.listen(db.engine.sync_engine, "before_cursor_execute", blind, retval=True)
    try:
        again, other = await asyncio.gather(
            ingestor.ingest(sms("x1", phone, "me again")), ingestor.ingest(sms("y0", "+8613800000021", "hi"))
        )
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", blind)
    assert looks  # the look was made, and missed
    # The identity's unique key refused the second customer: the batch was stored one by one instead.
    assert (again.ticket.id, again.action) == (first.ticket.id, ThreadAction.REUSE)
    assert other.action == ThreadAction.NEW and other.ticket.customer_id != first.ticket.customer_id
    async with db.read() as s:
        owners = list(await s.scalars(select(Identity.customer_id).where(Identity.value.like("+86138000000%"))))
    assert sorted(owners) == sorted({first.ticket.customer_id, other.ticket.customer_id})
