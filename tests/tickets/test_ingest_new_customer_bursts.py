"""A new customer writing several times in one batch: one customer, one identity, one ticket, in their order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from hub.db.engine import Database
from hub.db.models import Customer, HistoryEntry, Identity, Interaction, Ticket
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.events import MessageReceived, TicketCreated
from hub.settings import Settings
from hub.tickets.inbound import IngestResult
from hub.tickets.ingest import Ingestor
from hub.tickets.model import Status, ThreadAction
from hub.tickets.queues import sync_queues
from tests.tickets.test_ingest_new_customers import hear

START = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def sms(ext: str, phone: str, text: str, minute: int, **kw: Any) -> InboundEnvelope:
    return InboundEnvelope(channel="sms.twilio", external_id=ext, sender=IdentityRef("phone", phone), text=text,
                           received_at=START + timedelta(minutes=minute), **kw)  # fmt: skip


async def together(ingestor: Ingestor, *envelopes: InboundEnvelope) -> list[IngestResult]:
    """Arrived together: queued before the writer runs, so they are stored as one batch."""
    return list(await asyncio.gather(*(ingestor.ingest(env) for env in envelopes)))


async def left_behind(db: Database, phone: str) -> dict[str, Any]:
    """What a customer's first texts leave: customers and identities for the number, tickets, lines, messages."""
    async with db.read() as s:
        owners = list(await s.scalars(select(Identity.customer_id).where(Identity.value == phone)))
        customer = await s.get_one(Customer, owners[0])
        tickets = list(await s.scalars(select(Ticket).where(Ticket.customer_id == customer.id)))
        mine = HistoryEntry.customer_id == customer.id
        lines = list(await s.execute(select(HistoryEntry.kind, HistoryEntry.summary).where(mine)
                                     .order_by(HistoryEntry.id)))  # fmt: skip
        texts = list(await s.scalars(select(Interaction.text).where(Interaction.customer_id == customer.id)
                                     .order_by(Interaction.id)))  # fmt: skip
    return {"owners": len(owners), "name": customer.display_name, "tickets": len(tickets),
            "status": tickets[0].status, "last_message_at": tickets[0].last_message_at, "subject": tickets[0].subject,
            "lines": [tuple(line) for line in lines], "texts": texts}  # fmt: skip


async def test_a_burst_from_a_new_customer_is_one_customer_and_one_ticket(db: Database, settings: Settings) -> None:
    await sync_queues(db, settings.queues)
    ingestor = Ingestor(db, settings)
    heard = hear(db)
    burst = await together(
        ingestor,
        sms("a0", "+8613800000031", "我的快递", 0),
        sms("b0", "+8613800000032", "hello", 0),  # another new customer between them
        sms("a1", "+86 138 0000 0031", "还没到", 1),  # the same number, written another way
        sms("a2", "+8613800000031", "where is it?", 2),
    )
    a0, b0, a1, a2 = burst
    assert [r.action for r in (a0, b0, a1, a2)] == [ThreadAction.NEW, ThreadAction.NEW, ThreadAction.REUSE,
                                                    ThreadAction.REUSE]  # fmt: skip
    assert a0.ticket.id == a1.ticket.id == a2.ticket.id != b0.ticket.id
    assert a0.ticket.customer_id == a1.ticket.customer_id != b0.ticket.customer_id
    # Each snapshot is the ticket after its own contact.
    assert [r.ticket.last_message_at for r in (a0, a1, a2)] == [START + timedelta(minutes=m) for m in (0, 1, 2)]
    created = [e.ticket.id for e in heard if isinstance(e, TicketCreated)]
    messages = [e.interaction.id for e in heard if isinstance(e, MessageReceived)]
    assert sorted(created) == sorted([a0.ticket.id, b0.ticket.id])
    assert messages == sorted(messages) == [r.interaction.id for r in burst]  # stored in the order they came

    # The same texts arriving one at a time (each its own batch) leave the same behind.
    for env in (sms("c0", "+8613800000033", "我的快递", 0), sms("c1", "+86 138 0000 0033", "还没到", 1),
                sms("c2", "+8613800000033", "where is it?", 2)):  # fmt: skip
        await ingestor.ingest(env)
    burst_facts, alone_facts = await left_behind(db, "+8613800000031"), await left_behind(db, "+8613800000033")
    assert burst_facts["owners"] == 1 and burst_facts["tickets"] == 1
    assert burst_facts["status"] == Status.NEW.value
    assert burst_facts["texts"] == ["我的快递", "还没到", "where is it?"]
    assert [kind for kind, _ in burst_facts["lines"]] == ["ticket.created"] + ["contact.inbound"] * 3
    same = {k: v for k, v in burst_facts.items() if k != "name"}
    assert same == {k: v for k, v in alone_facts.items() if k != "name"}
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(Customer)) == 3
        assert await s.scalar(select(func.count()).select_from(Identity)) == 3


async def test_a_new_customer_s_mails_in_one_batch_each_open_their_own_ticket(db: Database, settings: Settings) -> None:
    await sync_queues(db, settings.queues)
    ingestor = Ingestor(db, settings)

    def mail(ext: str, text: str) -> InboundEnvelope:
        return InboundEnvelope(channel="email", external_id=ext, sender=IdentityRef("email", "wang@example.cn"),
                               text=text, explicit_threading=True)  # fmt: skip

    first, second, text = await together(
        ingestor, mail("<m1@x>", "invoice"), mail("<m2@x>", "another question"),
        sms("t0", "+8613800000034", "hi", 0),
    )  # fmt: skip
    assert first.action == second.action == text.action == ThreadAction.NEW
    assert first.ticket.id != second.ticket.id and first.ticket.customer_id == second.ticket.customer_id
    async with db.read() as s:
        held = await s.scalar(select(func.count()).select_from(Identity).where(Identity.value == "wang@example.cn"))
        assert held == 1


async def test_many_new_customers_in_one_batch_each_get_their_own_rows(db: Database, settings: Settings) -> None:
    await sync_queues(db, settings.queues)
    ingestor = Ingestor(db, settings)
    phones = [f"+86139000001{n:02d}" for n in range(40)]
    # Names and texts that sort differently from the numbers: a row matched to the wrong contact would show.
    results = await together(ingestor, *(sms(f"n{n}", phone, f"question {39 - n}", n % 7, sender_name=f"客户 {39 - n}")
                                         for n, phone in enumerate(phones)))  # fmt: skip
    assert {r.action for r in results} == {ThreadAction.NEW}
    assert len({r.ticket.customer_id for r in results}) == len({r.ticket.id for r in results}) == 40
    ids = [r.interaction.id for r in results]
    assert ids == sorted(ids)  # stored in the order they came
    async with db.read() as s:
        for n, (phone, result) in enumerate(zip(phones, results, strict=True)):
            owner = await s.scalar(select(Identity.customer_id).where(Identity.value == phone))
            customer = await s.get_one(Customer, result.ticket.customer_id)
            ticket = await s.get_one(Ticket, result.ticket.id)
            message = await s.get_one(Interaction, result.interaction.id)
            assert owner == customer.id and customer.display_name == f"客户 {39 - n}"
            assert (ticket.customer_id, ticket.subject) == (customer.id, f"question {39 - n}")
            assert (message.ticket_id, message.customer_id, message.text) == (ticket.id, customer.id, ticket.subject)
            assert ticket.last_message_at == message.created_at == START + timedelta(minutes=n % 7)
