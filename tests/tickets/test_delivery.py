"""The outbox: durable replies, retries with growing waits up to the channel's maximum age, a failed state the agent
can see."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from hub.agents.accounts import Principal
from hub.channels.base import InboundRejected
from hub.channels.registry import ChannelRegistry
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Interaction, OutboxItem
from hub.envelopes import DeliveryReceipt, IdentityRef, InboundEnvelope, OutboundMessage
from hub.events import DeliveryUpdated
from hub.settings import Settings
from hub.tickets.delivery import DeliveryWorker
from hub.tickets.delivery_ages import DeliveryAges, backoff
from hub.tickets.ingest import Ingestor
from hub.tickets.queues import sync_queues
from hub.tickets.replies import ReplyError, post_reply
from tests.waiting import until

ADMIN = Principal(kind="token", id=1, role="admin", name="test")


class ScriptedChannel:
    """A provider at the edge we cannot reach: answers each send with the next scripted receipt."""

    kind = "sms.test"
    identity_kind = "phone"
    capabilities = frozenset({"text"})
    reply_window: timedelta | None = None

    def __init__(self, *receipts: DeliveryReceipt | Exception) -> None:
        self.receipts = list(receipts)
        self.sent: list[OutboundMessage] = []

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def parse_inbound(self, raw: Any) -> InboundEnvelope:
        raise InboundRejected("outbound_only", "this test channel only sends")

    async def send(self, msg: OutboundMessage) -> DeliveryReceipt:
        self.sent.append(msg)
        outcome = self.receipts.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


async def ticket_on(db: Database, settings: Settings, channel: str = "sms.test") -> int:
    await sync_queues(db, settings.queues)
    result = await Ingestor(db, settings).ingest(
        InboundEnvelope(channel=channel, external_id="in-1", sender=IdentityRef("phone", "+14155550199"), text="hi")
    )
    return result.ticket.id


async def make_due(db: Database) -> None:
    async with db.write() as uow:
        await uow.session.execute(update(OutboxItem).values(next_attempt_at=utcnow() - timedelta(seconds=1)))


async def state(db: Database, interaction_id: int) -> tuple[str | None, str | None, str, int]:
    async with db.read() as s:
        i = await s.get_one(Interaction, interaction_id)
        o = await s.scalar(select(OutboxItem).where(OutboxItem.interaction_id == interaction_id))
        assert o is not None
        return i.delivery_status, i.delivery_error, o.status, o.attempts


async def test_sent_receipt_records_provider_id(db: Database, settings: Settings) -> None:
    ticket = await ticket_on(db, settings)
    channel = ScriptedChannel(DeliveryReceipt("sent", external_id="SM123"))
    worker = DeliveryWorker(db, ChannelRegistry([channel]), max_attempts=3)
    _, msg = await post_reply(db, ticket, ADMIN, "收到，我们马上处理")
    assert await worker.process_due() == 1
    assert channel.sent[0].recipient == IdentityRef("phone", "+14155550199")
    assert await state(db, msg.id) == ("sent", None, "done", 1)
    async with db.read() as s:
        assert (await s.get_one(Interaction, msg.id)).external_id == "SM123"


async def test_a_cap_on_tries_still_fails_visibly_after_retrying(db: Database, settings: Settings) -> None:
    ticket = await ticket_on(db, settings)
    channel = ScriptedChannel(
        DeliveryReceipt("failed", error="503 from provider", retryable=True),
        TimeoutError("provider timed out"),
        DeliveryReceipt("failed", error="503 again", retryable=True),
    )
    updates: list[DeliveryUpdated] = []

    async def seen(e: DeliveryUpdated) -> None:
        updates.append(e)

    db.bus.subscribe(DeliveryUpdated, seen)
    worker = DeliveryWorker(db, ChannelRegistry([channel]), max_attempts=3)
    _, msg = await post_reply(db, ticket, ADMIN, "reply")
    assert await worker.process_due() == 1
    assert await state(db, msg.id) == ("retrying", "503 from provider", "pending", 1)
    async with db.read() as s:
        row = await s.get_one(Interaction, msg.id)
    assert row.delivery_next_attempt_at is not None and row.delivery_next_attempt_at > utcnow()
    assert await worker.process_due() == 0  # not due yet: backoff
    await make_due(db)
    await worker.process_due()
    status, error, outbox, attempts = await state(db, msg.id)
    assert (status, outbox, attempts) == ("retrying", "pending", 2) and error and "timed out" in error
    await make_due(db)
    await worker.process_due()
    assert await state(db, msg.id) == ("failed", "503 again", "failed", 3)
    assert [u.status for u in updates] == ["retrying", "retrying", "failed"]
    assert updates[0].next_attempt_at is not None and updates[-1].next_attempt_at is None
    await make_due(db)
    assert await worker.process_due() == 0  # failed rows stay failed


async def test_permanent_failure_is_not_retried(db: Database, settings: Settings) -> None:
    ticket = await ticket_on(db, settings)
    channel = ScriptedChannel(DeliveryReceipt("failed", error="21610: recipient unsubscribed"))
    worker = DeliveryWorker(db, ChannelRegistry([channel]), max_attempts=5)
    _, msg = await post_reply(db, ticket, ADMIN, "reply")
    await worker.process_due()
    assert await state(db, msg.id) == ("failed", "21610: recipient unsubscribed", "failed", 1)


async def test_unconfigured_channel_fails_with_a_reason(db: Database, settings: Settings) -> None:
    ticket = await ticket_on(db, settings, channel="wechat")
    worker = DeliveryWorker(db, ChannelRegistry([]), max_attempts=5)
    _, msg = await post_reply(db, ticket, ADMIN, "reply")
    await worker.process_due()
    status, error, _, _ = await state(db, msg.id)
    assert status == "failed" and error == "no channel named 'wechat' is configured"


async def test_reply_survives_restart_and_stale_claims_are_retaken(db: Database, settings: Settings) -> None:
    ticket = await ticket_on(db, settings)
    _, msg = await post_reply(db, ticket, ADMIN, "written before a crash")
    # A worker claimed the row and died mid-send: the lease runs out and another worker takes it.
    async with db.write() as uow:
        await uow.session.execute(
            update(OutboxItem).values(status="sending", attempts=1, next_attempt_at=utcnow() - timedelta(seconds=1))
        )
    channel = ScriptedChannel(DeliveryReceipt("sent"))
    worker = DeliveryWorker(db, ChannelRegistry([channel]), max_attempts=5)
    await worker.start()
    try:
        worker.wake()

        async def recorded() -> bool:  # sent AND its receipt written: stopping earlier hands the row back
            return (await state(db, msg.id))[2] == "done"

        await until(recorded, timeout=30)
    finally:
        await worker.stop()
    assert [m.text for m in channel.sent] == ["written before a crash"]
    assert (await state(db, msg.id))[:3] == ("sent", None, "done")


async def test_notes_never_reach_the_customer(db: Database, settings: Settings) -> None:
    ticket = await ticket_on(db, settings)
    channel = ScriptedChannel()
    worker = DeliveryWorker(db, ChannelRegistry([channel]), max_attempts=5)
    await post_reply(db, ticket, ADMIN, "customer seems upset, escalate", note=True)
    assert await worker.process_due() == 0 and channel.sent == []


async def test_bad_replies_are_refused(db: Database, settings: Settings) -> None:
    ticket = await ticket_on(db, settings)
    for text in ["", "   ", "x" * 70_000]:
        with pytest.raises(ReplyError):
            await post_reply(db, ticket, ADMIN, text)


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [2, 4, 8]
    assert backoff(40) == timedelta(minutes=30)


async def test_retries_go_on_until_the_maximum_age_then_fail(db: Database, settings: Settings) -> None:
    ticket = await ticket_on(db, settings)
    outage = [DeliveryReceipt("failed", error="503 from provider", retryable=True) for _ in range(30)]
    channel = ScriptedChannel(*outage)
    worker = DeliveryWorker(db, ChannelRegistry([channel]), DeliveryAges({"sms": 3600}))
    _, msg = await post_reply(db, ticket, ADMIN, "reply")
    for _ in range(12):  # far more tries than the old five: an outage of minutes loses nothing
        await make_due(db)
        await worker.process_due()
    assert (await state(db, msg.id))[::2] == ("retrying", "pending")
    # The last wait is cut to end at the maximum age, never after it.
    async with db.write() as uow:
        item = await uow.session.scalar(select(OutboxItem).where(OutboxItem.interaction_id == msg.id))
        assert item is not None
        item.created_at = utcnow() - timedelta(minutes=59, seconds=50)
    await make_due(db)
    await worker.process_due()
    async with db.read() as s:
        row = await s.get_one(Interaction, msg.id)
        due = await s.scalar(select(OutboxItem.next_attempt_at).where(OutboxItem.interaction_id == msg.id))
    assert row.delivery_status == "retrying" and row.delivery_next_attempt_at == due
    assert due is not None and due <= utcnow() + timedelta(seconds=10)
    # Time passes beyond the hour: the next failed try is the last.
    async with db.write() as uow:
        await uow.session.execute(update(OutboxItem).values(created_at=utcnow() - timedelta(hours=1, seconds=1)))
    await make_due(db)
    await worker.process_due()
    assert await state(db, msg.id) == ("failed", "503 from provider", "failed", 14)
    async with db.read() as s:
        assert (await s.get_one(Interaction, msg.id)).delivery_next_attempt_at is None


def test_max_ages_per_channel_from_toml_and_environment() -> None:
    from hub.tickets.delivery_ages import DeliveryAgeError, parse_delivery, parse_duration

    ages = parse_delivery({"max_age": {"webchat": "5m", "sms.twilio": "1h30m"}}, {"HUB_DELIVERY_MAX_AGE_EMAIL": "48h"})
    assert ages.max_age("email") == timedelta(hours=48)
    assert ages.max_age("webchat") == timedelta(minutes=5)
    assert ages.max_age("sms.twilio") == timedelta(minutes=90)
    assert ages.max_age("wechat") == timedelta(hours=4) and ages.max_age("carrier.pigeon") == timedelta(hours=4)
    assert DeliveryAges().max_age("email") == timedelta(hours=24)
    assert DeliveryAges().max_age("webchat") == timedelta(minutes=10)
    assert parse_duration("k", 600) == 600 and parse_duration("k", "2d") == 172800
    for bad in ("", "-5", "0", "soon", "5 minutes", True, 1.5):
        with pytest.raises(DeliveryAgeError):
            parse_duration("k", bad)
    with pytest.raises(DeliveryAgeError):
        parse_delivery({"max_age": {"Bad Name": "1h"}}, {})
    with pytest.raises(DeliveryAgeError):
        parse_delivery({"retries": 3}, {})


class StuckChannel(ScriptedChannel):
    """A provider that does not answer: the send is in flight when the worker is told to stop."""

    def __init__(self) -> None:
        super().__init__()
        self.started = asyncio.Event()

    async def send(self, msg: OutboundMessage) -> DeliveryReceipt:
        self.sent.append(msg)
        self.started.set()
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")


async def test_a_stopping_worker_hands_back_what_it_claimed(db: Database, settings: Settings) -> None:
    ticket = await ticket_on(db, settings)
    _, msg = await post_reply(db, ticket, ADMIN, "in flight at shutdown")
    channel = StuckChannel()
    worker = DeliveryWorker(db, ChannelRegistry([channel]), max_attempts=5)
    await worker.start()
    worker.wake()
    await asyncio.wait_for(channel.started.wait(), 5)
    assert (await state(db, msg.id))[2] == "sending"  # claimed, leased for minutes
    await worker.stop()
    status, _, outbox, _ = await state(db, msg.id)
    assert outbox == "pending" and status == "queued"  # due again now, for any process, not after the lease
    async with db.read() as s:
        item = await s.scalar(select(OutboxItem).where(OutboxItem.interaction_id == msg.id))
    assert item is not None and item.next_attempt_at <= utcnow()


def test_max_ages_are_read_by_the_settings(tmp_path: Any) -> None:
    from hub.settings import SettingsError, load_settings

    toml = tmp_path / "hub.toml"
    toml.write_text('[delivery.max_age]\nwebchat = "15m"\nsms = "2h"\n', encoding="utf-8")
    env = {"HUB_CONFIG": str(toml), "HUB_DELIVERY_MAX_AGE_EMAIL": "2d", "HUB_OUTBOX_MAX_ATTEMPTS": "8"}
    settings = load_settings(env)
    assert settings.delivery.max_age("webchat") == timedelta(minutes=15)
    assert settings.delivery.max_age("sms.twilio") == timedelta(hours=2)
    assert settings.delivery.max_age("email") == timedelta(days=2) and settings.outbox_max_attempts == 8
    assert load_settings({"HUB_CONFIG": str(toml)}).outbox_max_attempts is None  # by age only, unless set
    with pytest.raises(SettingsError, match="HUB_DELIVERY_MAX_AGE_EMAIL"):
        load_settings({**env, "HUB_DELIVERY_MAX_AGE_EMAIL": "forever"})
    toml.write_text('[delivery.max_age]\nwebchat = "soon"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"delivery\.max_age\.webchat"):
        load_settings({"HUB_CONFIG": str(toml)})
