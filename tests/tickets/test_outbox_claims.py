"""Several outbox workers drain one outbox side by side: disjoint claims, each reply sent once, a lease kept
alive while a slow send is under way, and a claim lost meanwhile never recorded over its new owner's."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from hub.bus import EventBus
from hub.channels.registry import ChannelRegistry
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Interaction, OutboxItem
from hub.envelopes import DeliveryReceipt, OutboundMessage
from hub.settings import Settings
from hub.tickets.delivery import DeliveryWorker
from hub.tickets.replies import post_reply
from tests.tickets.test_delivery import ADMIN, ScriptedChannel, state, ticket_on
from tests.waiting import until

REPLIES = 60


class CountingChannel(ScriptedChannel):
    """A provider that accepts everything, answering after the event loop has run others in between."""

    def __init__(self, log: list[int]) -> None:
        super().__init__()
        self.log = log

    async def send(self, msg: OutboundMessage) -> DeliveryReceipt:
        await asyncio.sleep(0)  # the other worker's claims and records interleave with this send
        self.log.append(msg.interaction_id)
        return DeliveryReceipt("sent", external_id=f"ext-{msg.interaction_id}")


class HeldChannel(ScriptedChannel):
    """A provider that answers only when the test lets it: the send is under way meanwhile."""

    def __init__(self, receipt: DeliveryReceipt) -> None:
        super().__init__()
        self.receipt = receipt
        self.started = asyncio.Event()
        self.answer = asyncio.Event()

    async def send(self, msg: OutboundMessage) -> DeliveryReceipt:
        self.sent.append(msg)
        self.started.set()
        await self.answer.wait()
        return self.receipt


@pytest.fixture
async def other_db(settings: Settings) -> AsyncIterator[Database]:
    """A second process's own connections to the same database."""
    database = Database(settings.database_url, EventBus())
    yield database
    await database.dispose()


async def outbox_counts(db: Database) -> dict[str, int]:
    async with db.read() as s:
        rows = await s.execute(select(OutboxItem.status, func.count()).group_by(OutboxItem.status))
        return dict(rows.all())


async def test_two_workers_send_every_reply_once(db: Database, other_db: Database, settings: Settings) -> None:
    ticket = await ticket_on(db, settings)
    for n in range(REPLIES):
        await post_reply(db, ticket, ADMIN, f"reply {n}")
    sent: list[int] = []
    # Small batches, so the two workers claim many times each and their claims interleave.
    workers = [DeliveryWorker(d, ChannelRegistry([CountingChannel(sent)]), batch=7, sends=3) for d in (db, other_db)]
    done = await asyncio.gather(*(w.process_due() for w in workers))
    duplicates = [i for i, n in Counter(sent).items() if n > 1]
    assert duplicates == [] and len(sent) == REPLIES and sum(done) == REPLIES and min(done) > 0  # both took part
    assert await outbox_counts(db) == {"done": REPLIES}
    async with db.read() as s:
        statuses = Counter(
            await s.scalars(select(Interaction.delivery_status).where(Interaction.direction == "outbound"))
        )
        external = set(await s.scalars(select(Interaction.external_id).where(Interaction.direction == "outbound")))
    assert statuses == {"sent": REPLIES} and external == {f"ext-{i}" for i in sent}
    # Each counted what was left as its pass ended (the other's rows in flight then); nothing is now.
    assert [await w.process_due() for w in workers] == [0, 0] and [w.backlog for w in workers] == [0, 0]


async def test_a_slow_send_keeps_its_lease(db: Database, other_db: Database, settings: Settings) -> None:
    ticket = await ticket_on(db, settings)
    _, msg = await post_reply(db, ticket, ADMIN, "slow provider")
    slow = HeldChannel(DeliveryReceipt("sent"))
    first = DeliveryWorker(db, ChannelRegistry([slow]), lease=timedelta(seconds=1))
    await first.start()
    try:
        first.wake()
        await asyncio.wait_for(slow.started.wait(), 10)
        async with db.read() as s:
            leased_until = await s.scalar(select(OutboxItem.next_attempt_at))
        assert leased_until is not None

        async def lease_would_have_lapsed_but_was_renewed() -> bool:
            async with db.read() as s:
                now_until = await s.scalar(select(OutboxItem.next_attempt_at))
            return utcnow() > leased_until and now_until is not None and now_until > utcnow()

        await until(lease_would_have_lapsed_but_was_renewed, what="the lease renewed past its first end")
        other = ScriptedChannel()
        assert await DeliveryWorker(other_db, ChannelRegistry([other])).process_due() == 0
        assert other.sent == []  # the live worker's send is not made a second time
        slow.answer.set()

        async def recorded() -> bool:
            return (await state(db, msg.id))[2] == "done"

        await until(recorded, what="the slow send recorded")
    finally:
        await first.stop()
    assert len(slow.sent) == 1 and await state(db, msg.id) == ("sent", None, "done", 1)


async def test_a_claim_lost_meanwhile_is_not_recorded_over_its_new_owner(
    db: Database, other_db: Database, settings: Settings
) -> None:
    ticket = await ticket_on(db, settings)
    _, msg = await post_reply(db, ticket, ADMIN, "frozen worker")
    frozen = HeldChannel(DeliveryReceipt("failed", error="timed out at last", retryable=True))
    first = DeliveryWorker(db, ChannelRegistry([frozen]))
    pass_ = asyncio.create_task(first.process_due())
    await asyncio.wait_for(frozen.started.wait(), 10)
    # As if the first process had stalled past its lease: the row is due again and another worker takes it.
    async with db.write() as uow:
        await uow.session.execute(update(OutboxItem).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    second = DeliveryWorker(other_db, ChannelRegistry([ScriptedChannel(DeliveryReceipt("sent", external_id="B"))]))
    assert await second.process_due() == 1
    assert await state(db, msg.id) == ("sent", None, "done", 2)
    frozen.answer.set()
    assert await pass_ == 0  # its receipt belongs to a claim it no longer holds
    assert await state(db, msg.id) == ("sent", None, "done", 2)
    async with db.read() as s:
        assert (await s.get_one(Interaction, msg.id)).external_id == "B"
