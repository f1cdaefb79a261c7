"""The one inbound path: dedup, identity, threading, history, events after commit."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Customer, HistoryEntry, Identity, Interaction, Ticket
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.events import MessageReceived, TicketCreated, TicketUpdated
from hub.settings import Settings
from hub.tickets.ingest import Ingestor
from hub.tickets.model import InvalidTransition, Status, ThreadAction, transition
from hub.tickets.queues import sync_queues


@pytest.fixture
async def ingestor(db: Database, settings: Settings) -> Ingestor:
    await sync_queues(db, settings.queues)
    return Ingestor(db, settings)


def envelope(ext: str, text: str = "hello", sender: str = "Cust@Example.COM", **kw: object) -> InboundEnvelope:
    return InboundEnvelope(channel="email", external_id=ext, sender=IdentityRef("email", sender), text=text, **kw)  # type: ignore[arg-type]


async def test_duplicate_external_id_is_stored_once(ingestor: Ingestor, db: Database) -> None:
    first = await ingestor.ingest(envelope("m-1", "我的订单没有到"))
    again = await ingestor.ingest(envelope("m-1", "我的订单没有到"))
    assert again.duplicate and again.interaction.id == first.interaction.id and again.action is None
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(Interaction)) == 1
        assert await s.scalar(select(func.count()).select_from(Ticket)) == 1


async def test_same_external_id_on_another_channel_is_a_new_contact(ingestor: Ingestor) -> None:
    a = await ingestor.ingest(envelope("same"))
    b = await ingestor.ingest(
        InboundEnvelope(channel="sms", external_id="same", sender=IdentityRef("phone", "+14155550100"), text="hi")
    )
    assert not b.duplicate and b.interaction.id != a.interaction.id


async def test_identity_is_normalized_and_reused(ingestor: Ingestor, db: Database) -> None:
    a = await ingestor.ingest(envelope("1", sender="Li.Na@Example.CN"))
    b = await ingestor.ingest(envelope("2", sender="  li.na@example.cn "))
    assert a.ticket.customer_id == b.ticket.customer_id
    async with db.read() as s:
        values = list(await s.scalars(select(Identity.value)))
    assert values == ["li.na@example.cn"]


async def test_phone_numbers_become_e164(ingestor: Ingestor, db: Database) -> None:
    await ingestor.ingest(
        InboundEnvelope(channel="sms", external_id="s1", sender=IdentityRef("phone", "+86 138 0013 8000"), text="你好")
    )
    async with db.read() as s:
        assert await s.scalar(select(Identity.value)) == "+8613800138000"


async def test_threading_reuse_reopen_and_new(ingestor: Ingestor, db: Database) -> None:
    first = await ingestor.ingest(envelope("1"))
    assert first.action == ThreadAction.NEW and first.ticket.status == "new"
    second = await ingestor.ingest(envelope("2"))
    assert second.action == ThreadAction.REUSE and second.ticket.id == first.ticket.id

    async with db.write() as uow:
        ticket = await uow.session.get_one(Ticket, first.ticket.id)
        transition(ticket, Status.SOLVED, utcnow())
    reopened = await ingestor.ingest(envelope("3"))
    assert reopened.action == ThreadAction.REOPEN and reopened.ticket.id == first.ticket.id
    assert reopened.ticket.status == "open"

    async with db.write() as uow:
        ticket = await uow.session.get_one(Ticket, first.ticket.id)
        transition(ticket, Status.SOLVED, utcnow() - timedelta(days=30))
    fresh = await ingestor.ingest(envelope("4"))
    assert fresh.action == ThreadAction.NEW and fresh.ticket.id != first.ticket.id


async def test_closed_ticket_is_never_reopened(ingestor: Ingestor, db: Database) -> None:
    first = await ingestor.ingest(envelope("1"))
    async with db.write() as uow:
        ticket = await uow.session.get_one(Ticket, first.ticket.id)
        transition(ticket, Status.CLOSED, utcnow())
        with pytest.raises(InvalidTransition):
            transition(ticket, Status.OPEN, utcnow())
    after = await ingestor.ingest(envelope("2", thread_ticket_id=first.ticket.id))
    assert after.action == ThreadAction.NEW and after.ticket.id != first.ticket.id


async def test_thread_hint_for_another_customer_is_ignored(ingestor: Ingestor) -> None:
    victim = await ingestor.ingest(envelope("1", sender="victim@example.com"))
    other = await ingestor.ingest(envelope("2", sender="attacker@example.com", thread_ticket_id=victim.ticket.id))
    assert other.ticket.id != victim.ticket.id


async def test_tier_sets_priority_and_sla(ingestor: Ingestor, db: Database, settings: Settings) -> None:
    async with db.write() as uow:
        customer = Customer(display_name="李娜", tier="diamond", attributes={})
        uow.session.add(customer)
        await uow.session.flush()
        uow.session.add(Identity(customer_id=customer.id, kind="email", value="vip@example.cn"))
    result = await ingestor.ingest(envelope("1", sender="vip@example.cn"))
    assert result.ticket.priority == "urgent" and result.ticket.customer_tier == "diamond"
    due = result.ticket.first_response_due_at
    assert due is not None
    assert due - result.ticket.created_at == timedelta(minutes=settings.sla_first_response_minutes)


async def test_history_and_html_sanitized(ingestor: Ingestor, db: Database) -> None:
    result = await ingestor.ingest(
        envelope("1", text="see html", html='<p onclick="x()">Hi<script>alert(1)</script><b>there</b></p>')
    )
    async with db.read() as s:
        row = await s.get_one(Interaction, result.interaction.id)
        kinds = list(await s.scalars(select(HistoryEntry.kind).order_by(HistoryEntry.id)))
    assert (
        row.html is not None and "script" not in row.html and "onclick" not in row.html and "<b>there</b>" in row.html
    )
    assert kinds == ["ticket.created", "contact.inbound"]


async def test_events_are_published_after_commit(ingestor: Ingestor, db: Database) -> None:
    seen: list[tuple[str, int]] = []

    async def check(event: MessageReceived) -> None:
        # A handler must be able to read what the event talks about from a fresh session.
        async with db.read() as s:
            stored = await s.get(Interaction, event.interaction.id)
        seen.append((event.name, stored.id if stored else -1))

    names: list[str] = []

    async def record(event: TicketCreated | TicketUpdated) -> None:
        names.append(event.name)

    db.bus.subscribe(MessageReceived, check)
    db.bus.subscribe(TicketCreated, record)
    db.bus.subscribe(TicketUpdated, record)
    result = await ingestor.ingest(envelope("1"))
    await ingestor.ingest(envelope("2"))
    await ingestor.ingest(envelope("2"))  # duplicate: no new events
    assert seen[0] == ("message.received", result.interaction.id) and len(seen) == 2
    # A follow-up only moves last_message_at, which message.received already carries.
    assert names == ["ticket.created"]
    async with db.write() as uow:
        transition(await uow.session.get_one(Ticket, result.ticket.id), Status.SOLVED, utcnow())
    await ingestor.ingest(envelope("3"))
    assert names == ["ticket.created", "ticket.updated"]


async def test_a_caller_has_its_answer_before_the_batch_s_subscribers_run(ingestor: Ingestor, db: Database) -> None:
    """A provider's webhook (after_events=False) acknowledges once its contact is committed: its caller resumes
    before the batch's events reach their subscribers (suggestions, the console), which may take milliseconds."""
    order: list[str] = []

    async def subscriber(event: MessageReceived) -> None:
        order.append(f"subscriber {event.interaction.external_id}")

    async def caller(ext: str) -> None:
        await ingestor.ingest(envelope(ext, sender=f"{ext}@example.cn"), after_events=False)
        order.append(f"caller {ext}")

    db.bus.subscribe(MessageReceived, subscriber)
    await asyncio.gather(*(caller(f"ack-{i}") for i in range(3)))  # one batch of three
    await ingestor.ingest(envelope("after", sender="after@example.cn"))  # after_events: its events are out
    callers = [i for i, step in enumerate(order) if step.startswith("caller")]
    subscribers = [i for i, step in enumerate(order) if step.startswith("subscriber ack-")]
    assert len(callers) == len(subscribers) == 3 and max(callers) < min(subscribers), order


async def test_failed_transaction_publishes_nothing(db: Database) -> None:
    published: list[object] = []

    async def record(event: TicketCreated) -> None:
        published.append(event)

    db.bus.subscribe(TicketCreated, record)

    async def failing_write() -> None:
        async with db.write() as uow:
            uow.emit(TicketCreated.__new__(TicketCreated))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await failing_write()
    assert published == []


async def test_control_characters_are_stripped_not_fatal(ingestor: Ingestor, db: Database) -> None:
    """PostgreSQL refuses NUL in text and JSONB; a customer's message must still be stored."""
    result = await ingestor.ingest(
        envelope("nul", text="订单\x00号\x07 123\n第二行", sender_name="Bad\x00Name", meta={"k\x00": ["v\x00"]})
    )
    async with db.read() as s:
        row = await s.get_one(Interaction, result.interaction.id)
        customer = await s.get_one(Customer, result.ticket.customer_id)
    assert row.text == "订单号 123\n第二行" and row.meta == {"k": ["v"]}
    assert customer.display_name == "BadName"


async def test_hostile_external_ids_still_dedupe(ingestor: Ingestor) -> None:
    long_id = "<" + "x" * 400 + "@mail.example>"
    for ext in [long_id, "id\x00with-nul"]:
        first = await ingestor.ingest(envelope(ext))
        again = await ingestor.ingest(envelope(ext))
        assert again.duplicate and again.interaction.id == first.interaction.id
        assert first.interaction.external_id and len(first.interaction.external_id) <= 255


async def test_invalid_identity_is_rejected_and_nothing_stored(ingestor: Ingestor, db: Database) -> None:
    from hub.customers.identities import InvalidIdentity

    for sender in ["not-an-address", "   ", "nul\x00@example.com"]:
        with pytest.raises(InvalidIdentity):
            await ingestor.ingest(envelope(f"x-{sender}", sender=sender))
    with pytest.raises(InvalidIdentity):
        await ingestor.ingest(
            InboundEnvelope(channel="sms", external_id="p", sender=IdentityRef("phone", "12"), text="x")
        )
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(Customer)) == 0


async def test_concurrent_first_contacts_from_one_customer_make_one_ticket(ingestor: Ingestor, db: Database) -> None:
    """Socket.io runs a visitor's events concurrently; none may be lost or split into extra tickets."""
    results = await asyncio.gather(*(ingestor.ingest(envelope(f"c{n}", sender="new@example.com")) for n in range(12)))
    assert len({r.interaction.id for r in results}) == 12
    assert len({r.ticket.id for r in results}) == 1
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(Customer)) == 1
        assert await s.scalar(select(func.count()).select_from(Interaction)) == 12
