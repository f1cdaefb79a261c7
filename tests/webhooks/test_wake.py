"""The sender is woken by a commit that wrote deliveries, and only by one: an event owing nothing costs no claim."""

from __future__ import annotations

from sqlalchemy import func, select

from hub.db.engine import Database
from hub.settings import Settings
from hub.tickets.ingest import Ingestor
from hub.tickets.queues import sync_queues
from hub.webhooks import registry
from hub.webhooks.config import WebhookConfig
from hub.webhooks.recorder import DeliveriesOwed, DeliveryRecorder
from hub.webhooks.sender import WebhookSender
from hub.webhooks.tables import WebhookDelivery
from tests.waiting import until
from tests.webhooks.receiver import receiving
from tests.webhooks.test_sender import contact


async def delivered(db: Database) -> int:
    async with db.read() as s:
        query = select(func.count()).select_from(WebhookDelivery).where(WebhookDelivery.status == "delivered")
        return int(await s.scalar(query) or 0)


async def test_only_a_commit_that_owes_deliveries_announces_them(db: Database, settings: Settings) -> None:
    await sync_queues(db, settings.queues)
    DeliveryRecorder().install(db)
    ingestor = Ingestor(db, settings)
    heard: list[DeliveriesOwed] = []

    async def hear(event: DeliveriesOwed) -> None:
        heard.append(event)

    db.bus.subscribe(DeliveriesOwed, hear)
    await ingestor.ingest(contact("m-1"))  # no webhook yet: the contact's events owe nothing
    assert heard == []
    await registry.create(db, None, url="http://127.0.0.1:9/a", events=["message.received"], allow_private=True)
    await ingestor.ingest(contact("m-2"))
    assert heard == [DeliveriesOwed(1)]  # one message.received for the one hook, after the commit


async def test_the_started_sender_posts_what_a_commit_owes(db: Database, settings: Settings) -> None:
    await sync_queues(db, settings.queues)
    DeliveryRecorder().install(db)
    ingestor = Ingestor(db, settings)
    sender = WebhookSender(db, WebhookConfig(allow_private_targets=True))
    sender.subscribe(db.bus)
    async with receiving() as (receiver, url):
        await registry.create(db, None, url=url, events=["ticket.created"], allow_private=True)
        await sender.start()
        try:
            await ingestor.ingest(contact("m-1"))
            await until(lambda: delivered(db), what="the new ticket posted")
        finally:
            await sender.stop()
    assert await delivered(db) == 1 and len(receiver.received) == 1
