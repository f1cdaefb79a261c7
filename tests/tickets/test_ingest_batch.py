"""Contacts stored in batches: each exactly once, on the right customer and ticket, after merges and erasures too."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from sqlalchemy import func, select

from hub import keys
from hub.db.engine import Database
from hub.db.models import HistoryEntry, Interaction, Ticket
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.events import MessageReceived
from hub.settings import Settings
from hub.tickets.inbound import IngestResult
from hub.tickets.ingest import Ingestor
from hub.tickets.model import Status, ThreadAction
from hub.tickets.queues import sync_queues
from tests.conftest import Hub, make_token


def sms(ext: str, phone: str, text: str = "hello", **kw: Any) -> InboundEnvelope:
    return InboundEnvelope(channel="sms.twilio", external_id=ext, sender=IdentityRef("phone", phone), text=text, **kw)


def mail(ext: str, address: str, text: str = "hello") -> InboundEnvelope:
    return InboundEnvelope(channel="email", external_id=ext, sender=IdentityRef("email", address), text=text)


async def together(ingestor: Ingestor, *envelopes: InboundEnvelope) -> list[IngestResult]:
    """Arrived together: queued before the writer runs, so they are stored as one batch."""
    return list(await asyncio.gather(*(ingestor.ingest(env) for env in envelopes)))


async def test_a_batch_stores_each_contact_once_on_the_right_ticket(db: Database, settings: Settings) -> None:
    await sync_queues(db, settings.queues)
    ingestor = Ingestor(db, settings)
    received: list[MessageReceived] = []

    async def on_message(event: MessageReceived) -> None:
        received.append(event)

    db.bus.subscribe(MessageReceived, on_message)
    known = await ingestor.ingest(sms("k0", "+8613800000001"))
    waiting = await ingestor.ingest(sms("w0", "+8613800000002"))
    async with db.write() as uow:  # we asked this customer a question: their answer gives the ball back to us
        (await uow.session.get_one(Ticket, waiting.ticket.id)).status = Status.PENDING.value
    received.clear()
    results = await together(
        ingestor,
        sms("k1", "+86 138 0000 0001", "one"),  # the same customer, written another way
        sms("n1", "+8613800000003", "first from a new customer"),
        sms("k2", "+8613800000001", "two"),
        sms("w1", "+8613800000002", "the answer"),
        sms("n2", "+8613800000003", "second from the new customer"),
        sms("k0", "+8613800000001"),  # a retry of a stored message
        sms("k3", "+8613800000001", "three"),
        sms("k3", "+8613800000001", "three"),  # the same retry within the batch
        mail("e1", "Someone@Example.com", "by mail"),
    )
    k1, n1, k2, w1, n2, k0, k3, k3_again, e1 = results
    assert [r.ticket.id for r in (k1, k2, k3)] == [known.ticket.id] * 3
    assert {r.action for r in (k1, k2, k3)} == {ThreadAction.REUSE} and not k3.duplicate
    assert k0.duplicate and k0.interaction.id == known.interaction.id
    assert k3_again.duplicate and k3_again.interaction.id == k3.interaction.id
    assert n1.action == ThreadAction.NEW and n2.action == ThreadAction.REUSE and n2.ticket.id == n1.ticket.id
    assert w1.ticket.id == waiting.ticket.id and w1.ticket.status == Status.OPEN.value
    assert e1.action == ThreadAction.NEW and e1.ticket.customer_id not in {
        known.ticket.customer_id,
        n1.ticket.customer_id,
    }
    assert k3.ticket.last_message_at == k3.interaction.created_at  # the snapshot is the ticket after this contact
    stored = [r for r in results if not r.duplicate]
    assert sorted(e.interaction.id for e in received) == sorted(r.interaction.id for r in stored)
    async with db.read() as s:
        texts = list(await s.scalars(select(Interaction.text).where(Interaction.ticket_id == known.ticket.id)
                                     .order_by(Interaction.id)))  # fmt: skip
        assert texts == ["hello", "one", "two", "three"]  # in the order they arrived
        assert await s.scalar(select(func.count()).select_from(Interaction)) == 2 + len(stored)
        lines = await s.scalar(
            select(func.count()).select_from(HistoryEntry).where(HistoryEntry.kind == "contact.inbound")
        )
        assert lines == 2 + len(stored)  # one history line per contact
        ticket = await s.get_one(Ticket, known.ticket.id)
        assert ticket.last_message_at == k3.interaction.created_at


async def test_replies_in_a_batch_follow_their_threads(db: Database, settings: Settings) -> None:
    await sync_queues(db, settings.queues)
    ingestor = Ingestor(db, settings)

    def reply(ext: str, *refs: str) -> InboundEnvelope:
        return InboundEnvelope(channel="email", external_id=ext, sender=IdentityRef("email", "li@example.cn"),
                               text=ext, thread_refs=refs, explicit_threading=True)  # fmt: skip

    first = await ingestor.ingest(reply("<a1@x>"))
    second = await ingestor.ingest(reply("<b1@x>"))  # no reference: e-mail opens a new ticket
    assert second.ticket.id != first.ticket.id
    a2, b2, c1, a3 = await together(
        ingestor, reply("<a2@x>", "<a1@x>"), reply("<b2@x>", "<zz@x>", "<b1@x>"), reply("<c1@x>"),
        reply("<a3@x>", "<a2@x>"),  # answers a message of this very batch
    )  # fmt: skip
    assert (a2.ticket.id, a2.action) == (first.ticket.id, ThreadAction.REUSE)
    assert (b2.ticket.id, b2.action) == (second.ticket.id, ThreadAction.REUSE)
    assert c1.action == ThreadAction.NEW and c1.ticket.id not in {first.ticket.id, second.ticket.id}
    assert a3.ticket.id == first.ticket.id


async def call(hub: Hub, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        data = await r.json()
        return r.status, data["error"]["message"] if r.status >= 400 else data


async def test_after_a_merge_contacts_land_on_the_surviving_customer(hub: Hub, db: Database, admin_token: str) -> None:
    ingestor = hub.app[keys.INGESTOR]
    by_mail, by_phone = await together(ingestor, mail("m0", "li.na@example.cn"), sms("s0", "+8613900139000"))
    # Known to the writer before the merge: the next batch must not file them under the merged customer.
    await together(ingestor, mail("m1", "li.na@example.cn"), sms("s1", "+8613900139000"))
    merged, kept = by_phone.ticket.customer_id, by_mail.ticket.customer_id
    status, _ = await call(hub, admin_token, "POST", f"/api/v1/customers/{merged}/merge", {"into": kept})
    assert status == 200
    after = await together(ingestor, sms("s2", "+8613900139000", "after the merge"), mail("m2", "li.na@example.cn"))
    assert [r.ticket.customer_id for r in after] == [kept, kept]
    assert after[0].ticket.id == by_phone.ticket.id  # the SMS conversation goes on, now the kept customer's
    async with db.read() as s:
        owners = set(await s.scalars(select(Interaction.customer_id).where(Interaction.external_id.in_(("s2", "m2")))))
    assert owners == {kept}


async def test_after_an_erasure_the_same_address_is_a_new_customer(hub: Hub, db: Database) -> None:
    ingestor = hub.app[keys.INGESTOR]
    first, _ = await together(ingestor, mail("p0", "li.na@example.cn"), mail("p1", "li.na@example.cn"))
    erased = first.ticket.customer_id
    supervisor = await make_token(db, "supervisor")
    status, _ = await call(hub, supervisor, "POST", f"/api/v1/customers/{erased}/erase", {"close_open_tickets": True})
    assert status == 200
    again = await together(ingestor, mail("p2", "li.na@example.cn", "hi"), mail("p3", "li.na@example.cn", "again"))
    assert again[0].ticket.customer_id != erased and again[0].action == ThreadAction.NEW
    assert again[1].ticket.customer_id == again[0].ticket.customer_id and again[1].ticket.id == again[0].ticket.id


async def test_retries_in_a_batch_are_answered_with_what_was_stored(db: Database, settings: Settings) -> None:
    await sync_queues(db, settings.queues)
    ingestor = Ingestor(db, settings)
    a0, b0, c0 = await together(ingestor, sms("a0", "+8613800000021", "first"), sms("b0", "+8613800000022"),
                                sms("c0", "+8613800000023", "a new customer"))  # fmt: skip
    received: list[MessageReceived] = []

    async def on_message(event: MessageReceived) -> None:
        received.append(event)

    db.bus.subscribe(MessageReceived, on_message)
    results = await together(
        ingestor,
        sms("a0", "+8613800000021", "first"),  # Twilio's retry, beside the same customer's next text
        sms("a1", "+8613800000021", "second"),
        sms("b0", "+8613800000022"),
        sms("b0", "+8613800000022"),  # retried twice
        sms("c0", "+8613800000023", "a new customer"),
        sms("c1", "+8613800000023", "and again"),
        sms("d0", "+8613800000024", "first from another new customer"),
        sms("d0", "+8613800000024", "first from another new customer"),  # retried within the batch
    )
    a0_again, a1, b0_again, b0_twice, c0_again, c1, d0, d0_again = results
    for again, original in ((a0_again, a0), (b0_again, b0), (b0_twice, b0), (c0_again, c0), (d0_again, d0)):
        assert again.duplicate and again.action is None
        assert (again.interaction.id, again.ticket.id) == (original.interaction.id, original.ticket.id)
        assert again.ticket.customer_id == original.ticket.customer_id
    assert (a1.ticket.id, a1.action, a1.duplicate) == (a0.ticket.id, ThreadAction.REUSE, False)
    assert (c1.ticket.id, c1.action) == (c0.ticket.id, ThreadAction.REUSE)
    assert d0.action == ThreadAction.NEW and not d0.duplicate
    assert sorted(e.interaction.id for e in received) == sorted(r.interaction.id for r in (a1, c1, d0))
    async with db.read() as s:
        stored = list(await s.scalars(select(Interaction.external_id).order_by(Interaction.id)))
        assert stored == ["a0", "b0", "c0", "a1", "c1", "d0"]  # each once, the new ones in the order they came
        lines = await s.scalar(
            select(func.count()).select_from(HistoryEntry).where(HistoryEntry.kind == "contact.inbound")
        )
        assert lines == 6
