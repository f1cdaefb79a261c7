"""A process reads the hooks table only after a hook changed, yet every change counts from the next write: a hook
added gets the next event, one turned off, narrowed or removed gets none, even when the cache has not heard."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from hub.bus import EventBus
from hub.db.engine import Database
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.settings import Settings
from hub.tickets.ingest import Ingestor
from hub.tickets.queues import sync_queues
from hub.webhooks import registry
from hub.webhooks.active import MAX_AGE_S, ActiveHooks, active_hooks
from hub.webhooks.recorder import DeliveryRecorder
from hub.webhooks.tables import Webhook, WebhookDelivery
from tests.statements import statements

URL = "http://127.0.0.1:9/hook"


def contact(ext: str) -> InboundEnvelope:
    """A new customer's first message: a new ticket (ticket.created) and its message (message.received)."""
    return InboundEnvelope(channel="email", external_id=ext, sender=IdentityRef("email", f"{ext}@example.cn"),
                           text="我的包裹还没到 my parcel is late")  # fmt: skip


def hook_reads(sent: list[str]) -> int:
    return sum(s.lstrip().startswith("SELECT webhooks.id, webhooks.events") for s in sent)


async def owed(db: Database, hook_id: int) -> list[str]:
    async with db.read() as s:
        query = select(WebhookDelivery.event).where(WebhookDelivery.webhook_id == hook_id)
        return list(await s.scalars(query.order_by(WebhookDelivery.id)))


async def ready(db: Database, settings: Settings) -> Ingestor:
    await sync_queues(db, settings.queues)
    DeliveryRecorder().install(db)
    return Ingestor(db, settings)


async def test_writes_read_no_hooks_until_one_changes(db: Database, settings: Settings) -> None:
    ingestor = await ready(db, settings)
    await ingestor.ingest(contact("m-0"))  # the first write reads the hooks (there are none)
    with statements(db) as sent:
        for n in range(1, 4):
            await ingestor.ingest(contact(f"m-{n}"))
    assert sent and hook_reads(sent) == 0 and not any("webhook" in s for s in sent)

    hook, _ = await registry.create(db, None, url=URL, events=["message.received"], allow_private=True)
    with statements(db) as sent:
        await ingestor.ingest(contact("m-4"))  # the change is read once ...
        await ingestor.ingest(contact("m-5"))  # ... and kept
    assert hook_reads(sent) == 1
    assert await owed(db, hook["id"]) == ["message.received", "message.received"]


async def test_a_change_counts_from_the_next_write(db: Database, settings: Settings) -> None:
    ingestor = await ready(db, settings)
    await ingestor.ingest(contact("m-0"))
    hook, _ = await registry.create(db, None, url=URL, events=["message.received"], allow_private=True)
    await ingestor.ingest(contact("m-1"))
    assert await owed(db, hook["id"]) == ["message.received"]
    await registry.change(db, None, hook["id"], {"events": ["ticket.created", "message.received"]}, True)
    await ingestor.ingest(contact("m-2"))
    assert await owed(db, hook["id"]) == ["message.received", "ticket.created", "message.received"]
    await registry.change(db, None, hook["id"], {"active": False}, True)
    await ingestor.ingest(contact("m-3"))
    assert len(await owed(db, hook["id"])) == 3
    await registry.remove(db, None, hook["id"])
    await ingestor.ingest(contact("m-4"))  # commits: nothing owed to the removed hook
    assert await owed(db, hook["id"]) == []


async def test_a_cache_that_missed_a_change_never_sends_to_a_hook_gone_off_or_narrowed(
    db: Database, settings: Settings
) -> None:
    """Changes written by another process that could not tell this one (no Redis): the cache still names the
    hooks, the insert takes each delivery from the hook's row as it stands."""
    ingestor = await ready(db, settings)
    kept, _ = await registry.create(db, None, url=URL, events=["message.received"], allow_private=True)
    off, _ = await registry.create(db, None, url=URL, events=["message.received"], allow_private=True)
    narrowed, _ = await registry.create(db, None, url=URL, events=["message.received"], allow_private=True)
    gone, _ = await registry.create(db, None, url=URL, events=["message.received"], allow_private=True)
    await ingestor.ingest(contact("m-0"))
    other = Database(settings.database_url, EventBus())  # another process's connections
    try:
        async with other.write() as uow:
            await uow.session.execute(update(Webhook).where(Webhook.id == off["id"]).values(active=False))
            await uow.session.execute(
                update(Webhook).where(Webhook.id == narrowed["id"]).values(events=["ticket.created"])
            )
            await uow.session.execute(delete(Webhook).where(Webhook.id == gone["id"]))
    finally:
        await other.dispose()
    hooks = active_hooks(db)
    reads = hooks.reads
    await ingestor.ingest(contact("m-1"))
    assert hooks.reads == reads  # the cache was used: it had not heard of the changes
    assert await owed(db, kept["id"]) == ["message.received"] * 2
    assert await owed(db, off["id"]) == await owed(db, narrowed["id"]) == ["message.received"]
    assert await owed(db, gone["id"]) == []
    await ingestor.ingest(contact("m-2"))  # fewer written than the cache named: it was read again
    assert hooks.reads == reads + 1
    assert await owed(db, narrowed["id"]) == ["message.received", "ticket.created"]  # what it hears now
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(WebhookDelivery)) == 6


async def test_a_change_never_heard_of_is_read_within_max_age(db: Database) -> None:
    now = [100.0]
    hooks = ActiveHooks(clock=lambda: now[0])
    async with db.write() as uow:
        assert await hooks.current(uow.session) == ()
    hook, _ = await registry.create(db, None, url=URL, events=["ticket.created"], allow_private=True)
    now[0] += MAX_AGE_S - 0.1
    async with db.write() as uow:
        assert await hooks.current(uow.session) == ()  # not told (another database object): still cached
    now[0] += 0.1
    async with db.write() as uow:
        assert [h.id for h in await hooks.current(uow.session)] == [hook["id"]]
    assert hooks.reads == 2


async def test_a_held_or_deaf_cache_reads_every_write(db: Database) -> None:
    hooks = ActiveHooks()
    async with db.write() as uow:
        await hooks.current(uow.session)
        hooks.hold("t")
        await hooks.current(uow.session)
        hooks.release("t")
        await hooks.current(uow.session)
        await hooks.current(uow.session)  # released: kept again
        hooks.listening = False  # its subscription is down: it may have missed changes
        await hooks.current(uow.session)
        await hooks.current(uow.session)
    assert hooks.reads == 5
