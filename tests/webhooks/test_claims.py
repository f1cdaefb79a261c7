"""Two hub processes sending at once (two engines on one database): every delivery is posted exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import select

from hub.bus import EventBus
from hub.db.engine import Database
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.settings import Settings
from hub.tickets.ingest import Ingestor
from hub.tickets.queues import sync_queues
from hub.webhooks import registry
from hub.webhooks.config import WebhookConfig
from hub.webhooks.recorder import DeliveryRecorder
from hub.webhooks.sender import WebhookSender
from hub.webhooks.tables import WebhookDelivery
from tests.webhooks.receiver import Clock, receiving

CONTACTS = 30


async def test_two_senders_never_post_one_delivery_twice(db: Database, settings: Settings) -> None:
    clock = Clock()
    await sync_queues(db, settings.queues)
    DeliveryRecorder(clock).install(db)
    ingestor = Ingestor(db, settings)
    other = Database(settings.database_url, EventBus())
    config = WebhookConfig(allow_private_targets=True)
    senders = [WebhookSender(db, config, clock), WebhookSender(other, config, clock)]
    try:
        async with receiving() as (receiver, url):
            await registry.create(db, None, url=url, events=["message.received"], allow_private=True)
            for n in range(CONTACTS):
                who = IdentityRef("phone", f"+1415555{n:04d}")
                await ingestor.ingest(InboundEnvelope(channel="sms", external_id=f"s{n}", sender=who, text="hi"))
            posted = 0
            while counts := await asyncio.gather(*(one.process_due() for one in senders)):
                posted += sum(counts)
                if not any(counts):
                    break
    finally:
        for one in senders:
            await one.stop()
        await other.dispose()
    ids = Counter(r.headers["X-Hub-Delivery"] for r in receiver.received)
    assert posted == CONTACTS and len(ids) == CONTACTS and set(ids.values()) == {1}
    async with db.read() as s:
        assert set(await s.scalars(select(WebhookDelivery.status))) == {"delivered"}
