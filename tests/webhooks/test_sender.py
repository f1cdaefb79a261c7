"""Deliveries are written with their events, posted signed to a real receiver, retried, and given up on."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hub.bus import Event
from hub.customers.tables import Survey
from hub.db.engine import Database
from hub.db.models import AuditEntry
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.events import MessageReceived, SurveyAnswered, TicketCreated, TicketUpdated, WebhookDisabled
from hub.settings import Settings
from hub.tickets import surveys
from hub.tickets.ingest import Ingestor
from hub.tickets.queues import sync_queues
from hub.webhooks import registry
from hub.webhooks.catalog import names_of, payloads_of
from hub.webhooks.config import WebhookConfig
from hub.webhooks.outcomes import DELAYS
from hub.webhooks.recorder import DeliveryRecorder
from hub.webhooks.sender import WebhookSender
from hub.webhooks.signing import verify
from hub.webhooks.tables import Webhook, WebhookDelivery
from tests.webhooks.receiver import Clock, receiving

OPEN = WebhookConfig(allow_private_targets=True)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def ingestor(db: Database, settings: Settings, clock: Clock) -> Ingestor:
    await sync_queues(db, settings.queues)
    DeliveryRecorder(clock).install(db)
    return Ingestor(db, settings)


def contact(ext: str, text: str = "my parcel is late") -> InboundEnvelope:
    return InboundEnvelope(channel="email", external_id=ext, sender=IdentityRef("email", "li@example.cn"), text=text)


async def statuses(db: Database) -> list[tuple[str, str, int]]:
    async with db.read() as s:
        rows = await s.execute(
            select(WebhookDelivery.event, WebhookDelivery.status, WebhookDelivery.attempts).order_by(WebhookDelivery.id)
        )
        return [tuple(r) for r in rows.all()]  # type: ignore[misc]


async def test_a_new_ticket_is_posted_signed(db: Database, ingestor: Ingestor, clock: Clock) -> None:
    async with receiving() as (receiver, url):
        hook, secret = await registry.create(
            db, None, url=url, events=["ticket.created", "message.received"], allow_private=True
        )
        result = await ingestor.ingest(contact("m-1", "我的包裹还没到"))
        sender = WebhookSender(db, OPEN, clock)
        try:
            assert await sender.process_due() == 2
        finally:
            await sender.stop()
    assert await statuses(db) == [("ticket.created", "delivered", 1), ("message.received", "delivered", 1)]
    by_event = {r.headers["X-Hub-Event"]: r for r in receiver.received}
    assert set(by_event) == {"ticket.created", "message.received"}
    got = by_event["message.received"]
    assert verify(secret, got.headers["X-Hub-Signature-256"], got.body, clock.now.timestamp())
    assert not verify("whsec_other", got.headers["X-Hub-Signature-256"], got.body, clock.now.timestamp())
    assert not verify(secret, got.headers["X-Hub-Signature-256"], got.body + b" ", clock.now.timestamp())
    body = json.loads(got.body)
    assert set(body) == {"id", "event", "occurred_at", "data"}
    assert body["id"] == got.headers["X-Hub-Delivery"] and body["event"] == "message.received"
    assert body["data"]["ticket"]["id"] == result.ticket.id
    assert body["data"]["message"]["text"] == "我的包裹还没到"
    assert got.headers["Content-Type"] == "application/json"
    assert hook["active"] and "secret" not in hook


async def test_only_subscribed_events_and_active_hooks_are_owed(db: Database, ingestor: Ingestor) -> None:
    await registry.create(db, None, url="http://127.0.0.1:9/a", events=["ticket.assigned"], allow_private=True)
    await registry.create(
        db, None, url="http://127.0.0.1:9/b", events=["message.received"], allow_private=True, active=False
    )
    await ingestor.ingest(contact("m-1"))
    assert await statuses(db) == []


async def failing_write(db: Database, event: MessageReceived) -> None:
    async with db.write() as uow:
        uow.emit(event)
        raise RuntimeError("the domain change failed")


async def test_a_rolled_back_event_sends_nothing(db: Database, ingestor: Ingestor, clock: Clock) -> None:
    first = await ingestor.ingest(contact("m-1"))
    async with receiving() as (receiver, url):
        await registry.create(db, None, url=url, events=["message.received"], allow_private=True)
        with pytest.raises(RuntimeError):
            await failing_write(db, MessageReceived(first.ticket, first.interaction))
        sender = WebhookSender(db, OPEN, clock)
        try:
            assert await sender.process_due() == 0
        finally:
            await sender.stop()
    assert await statuses(db) == [] and receiver.received == []


async def test_failures_are_retried_with_growing_waits(db: Database, ingestor: Ingestor, clock: Clock) -> None:
    async with receiving() as (receiver, url):
        await registry.create(db, None, url=url, events=["ticket.created"], allow_private=True)
        await ingestor.ingest(contact("m-1"))
        receiver.answers.extend([500, 503])
        sender = WebhookSender(db, OPEN, clock)
        try:
            assert await sender.process_due() == 1
            assert await statuses(db) == [("ticket.created", "pending", 1)]
            assert await sender.process_due() == 0  # not due yet
            clock.advance(DELAYS[0])
            assert await sender.process_due() == 1
            async with db.read() as s:
                row = await s.scalar(select(WebhookDelivery))
                assert row is not None and row.last_status_code == 503 and row.last_error == "answered HTTP 503"
                assert row.next_attempt_at == clock.now + DELAYS[1]
            clock.advance(DELAYS[1] - timedelta(seconds=1))
            assert await sender.process_due() == 0
            clock.advance(timedelta(seconds=1))
            assert await sender.process_due() == 1
        finally:
            await sender.stop()
    assert await statuses(db) == [("ticket.created", "delivered", 3)]
    # The same delivery id every time: the receiver drops a repeat by it.
    assert len({r.headers["X-Hub-Delivery"] for r in receiver.received}) == 1 and len(receiver.received) == 3
    async with db.read() as s:
        hook = await s.scalar(select(Webhook))
        assert hook is not None and hook.consecutive_failures == 0 and hook.failing_since is None


async def test_a_hook_failing_too_often_is_disabled_and_admins_told(
    db: Database, ingestor: Ingestor, clock: Clock
) -> None:
    told: list[WebhookDisabled] = []

    async def hear(event: WebhookDisabled) -> None:
        told.append(event)

    db.bus.subscribe(WebhookDisabled, hear)
    async with receiving() as (receiver, url):
        created, _ = await registry.create(db, None, url=url, events=["message.received"], allow_private=True)
        for n in range(3):
            await ingestor.ingest(contact(f"m-{n}"))
        receiver.always = 500
        sender = WebhookSender(db, WebhookConfig(allow_private_targets=True, disable_after_failures=4), clock)
        try:
            assert await sender.process_due() == 3  # three failures in a row
            clock.advance(DELAYS[0])
            assert await sender.process_due() == 3  # the fourth disables it; the rest are cancelled
            clock.advance(DELAYS[1])
            assert await sender.process_due() == 0
        finally:
            await sender.stop()
    # The fourth failure disabled the hook: what it was still owed is cancelled, not retried.
    assert [s for _, s, _ in await statuses(db)] == ["cancelled"] * 3
    async with db.read() as s:
        hook = await s.get_one(Webhook, created["id"])
        assert not hook.active and hook.disabled_reason and "4 failed attempts in a row" in hook.disabled_reason
        audit = await s.scalar(select(AuditEntry).where(AuditEntry.action == "webhook.disabled"))
        assert audit is not None and audit.target_id == hook.id
    assert [e.webhook_id for e in told] == [created["id"]]
    # Turned on again: it starts afresh, and new events are owed to it again.
    again = await registry.change(db, None, created["id"], {"active": True}, allow_private=True)
    assert again is not None and again["active"] and again["consecutive_failures"] == 0
    assert again["disabled_reason"] is None


async def test_410_gone_disables_at_once(db: Database, ingestor: Ingestor, clock: Clock) -> None:
    async with receiving() as (receiver, url):
        created, _ = await registry.create(db, None, url=url, events=["ticket.created"], allow_private=True)
        await ingestor.ingest(contact("m-1"))
        receiver.always = 410
        sender = WebhookSender(db, OPEN, clock)
        try:
            assert await sender.process_due() == 1
        finally:
            await sender.stop()
    assert await statuses(db) == [("ticket.created", "failed", 1)]
    hook = await registry.get_hook(db, created["id"])
    assert hook is not None and not hook["active"] and "410" in (hook["disabled_reason"] or "")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_private_targets_are_refused_at_send_time(
    db: Database, ingestor: Ingestor, clock: Clock, host: str
) -> None:
    """Saved while allowed (or DNS changed since): the sender refuses to connect, and nothing arrives."""
    async with receiving() as (receiver, url):
        await registry.create(
            db, None, url=url.replace("127.0.0.1", host), events=["ticket.created"], allow_private=True
        )
        await ingestor.ingest(contact("m-1"))
        sender = WebhookSender(db, WebhookConfig(), clock)
        try:
            assert await sender.process_due() == 1
        finally:
            await sender.stop()
    assert receiver.received == []
    async with db.read() as s:
        row = await s.scalar(select(WebhookDelivery))
    assert row is not None and row.status == "pending" and row.last_status_code is None
    assert row.last_error and "not a public address" in row.last_error


async def test_the_deliveries_page_pages_back(db: Database, ingestor: Ingestor) -> None:
    created, _ = await registry.create(
        db, None, url="http://127.0.0.1:9/", events=["ticket.created"], allow_private=True
    )
    for n in range(3):
        await ingestor.ingest(
            InboundEnvelope(
                channel="sms", external_id=f"s{n}", sender=IdentityRef("phone", f"+1415555010{n}"), text="hi"
            )
        )
    page = await registry.deliveries(db, created["id"], 2)
    assert page is not None
    rows, cursor = page
    assert len(rows) == 2 and cursor == rows[-1]["id"] and rows[0]["id"] > rows[1]["id"]
    assert rows[0]["status"] == "pending" and rows[0]["next_attempt_at"] and rows[0]["attempts"] == 0
    rest = await registry.deliveries(db, created["id"], 2, cursor)
    assert rest is not None and len(rest[0]) == 1 and rest[1] is None
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(WebhookDelivery)) == 3


async def test_a_survey_answer_is_owed_once(db: Database, ingestor: Ingestor) -> None:
    created, _ = await registry.create(
        db, None, url="http://127.0.0.1:9/", events=["survey.answered"], allow_private=True
    )
    result = await ingestor.ingest(contact("m-1"))
    async with db.write() as uow:
        survey = Survey(
            ticket_id=result.ticket.id, customer_id=result.ticket.customer_id, token="t" * 32, channel="email"
        )
        uow.session.add(survey)
    await surveys.answer_by_link(db, "t" * 32, 4, "quick and kind")
    await surveys.answer_by_link(db, "t" * 32, 5, None)  # a changed mind: the answer is updated, not sent again
    async with db.read() as s:
        rows = list(await s.scalars(select(WebhookDelivery).where(WebhookDelivery.webhook_id == created["id"])))
    assert [(r.event, r.data["rating"], r.data["comment"], r.data["via"]) for r in rows] == [
        ("survey.answered", 4, "quick and kind", "link")
    ]


async def test_the_names_of_an_event_are_those_of_its_payloads(db: Database, ingestor: Ingestor) -> None:
    """The recorder asks names_of which hooks an event could concern before it builds any payload: the two must
    agree for every kind of event, an assignment's extra "ticket.assigned" included."""
    stored = await ingestor.ingest(contact("m-names"))
    events: list[Event] = [
        TicketCreated(stored.ticket),
        MessageReceived(stored.ticket, stored.interaction),
        TicketUpdated(stored.ticket, ("status",)),
        TicketUpdated(replace(stored.ticket, assignee_id=7), ("assignee_id", "status")),
        SurveyAnswered(1, stored.ticket.id, stored.ticket.customer_id, None, 5, "好", "sms"),
        WebhookDisabled(1, "http://127.0.0.1:9/a", "gone"),
    ]
    for event in events:
        assert names_of(event) == tuple(name for name, _ in payloads_of(event)), event
    assert names_of(events[3]) == ("ticket.updated", "ticket.assigned") and names_of(events[-1]) == ()
