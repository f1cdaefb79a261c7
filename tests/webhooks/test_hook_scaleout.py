"""Two hubs on one PostgreSQL and one Redis: a hook created through one gets the events the other commits right
after, one turned off or removed there gets none, and between changes the other reads no hooks."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from hub import keys
from hub.app import create_app
from hub.app.webhooks import HOOK_ANNOUNCER
from hub.cli import main
from hub.settings import PROJECT_ROOT, Settings
from hub.tickets.ingest import Ingestor
from hub.webhooks.active import active_hooks
from hub.webhooks.config import WebhookConfig
from hub.webhooks.tables import Webhook
from tests.conftest import PG_URL, REDIS_URL, Hub, make_token
from tests.processes import free_port
from tests.statements import statements
from tests.waiting import until
from tests.webhooks.receiver import receiving
from tests.webhooks.test_api import call
from tests.webhooks.test_hook_cache import contact, hook_reads, owed

pytestmark = pytest.mark.skipif(not (PG_URL and REDIS_URL), reason="needs PostgreSQL and Redis")


def listening(*hubs: Hub) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return all(active_hooks(hub.app[keys.DB]).listening for hub in hubs)

    return check


def received(receiver: Any, count: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return len(receiver.received) >= count

    return check


async def test_a_hook_changed_on_one_hub_counts_on_the_other_from_its_next_write(
    settings: Settings, redis_url: str, aiohttp_server: Callable[..., Any]
) -> None:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("several processes share a database only on PostgreSQL")
    shared = dataclasses.replace(settings, redis_url=redis_url).with_channel(
        "webhooks", WebhookConfig(allow_private_targets=True)
    )
    hubs = []
    for n in range(2):
        configured = dataclasses.replace(shared, smtp_port=free_port()) if n else shared
        app = create_app(configured)
        hubs.append(Hub(await aiohttp_server(app), app, configured))
    first, second = hubs
    db = second.app[keys.DB]
    await until(listening(first, second), what="both subscribed to hook changes")
    token = await make_token(first.app[keys.DB])
    ingestor = Ingestor(db, second.settings)  # the second hub's writes, with its recorder and its cache
    await ingestor.ingest(contact("m-0"))
    async with receiving() as (receiver, url):
        status, hook = await call(first, token, "POST", "/api/v1/webhooks", {"url": url, "events": ["ticket.created"]})
        assert status == 201
        await ingestor.ingest(contact("m-1"))  # at once, without waiting for anything
        assert await owed(db, hook["id"]) == ["ticket.created"]
        with statements(db) as sent:
            await ingestor.ingest(contact("m-2"))
            await ingestor.ingest(contact("m-3"))
        assert hook_reads(sent) == 0  # nothing changed since: the hooks came from memory
        assert await owed(db, hook["id"]) == ["ticket.created"] * 3
        await until(received(receiver, 3), what="the second hub's tickets posted")

        status, _ = await call(first, token, "PATCH", f"/api/v1/webhooks/{hook['id']}", {"active": False})
        assert status == 200
        await ingestor.ingest(contact("m-4"))
        assert len(await owed(db, hook["id"])) == 3

        status, _ = await call(first, token, "PATCH", f"/api/v1/webhooks/{hook['id']}", {"active": True})
        assert status == 200
        await ingestor.ingest(contact("m-5"))
        assert len(await owed(db, hook["id"])) == 4

        status, _ = await call(first, token, "DELETE", f"/api/v1/webhooks/{hook['id']}")
        assert status == 204
        with statements(db) as sent:
            await ingestor.ingest(contact("m-6"))  # commits: nothing owed to the removed hook
        assert hook_reads(sent) == 1 and await owed(db, hook["id"]) == []


async def test_a_hook_added_by_the_command_line_counts_from_the_serving_hubs_next_write(
    settings: Settings, redis_url: str, aiohttp_server: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("the command line and a serving hub share the database on PostgreSQL")
    serving = dataclasses.replace(settings, redis_url=redis_url)
    app = create_app(serving)
    hub = Hub(await aiohttp_server(app), app, serving)
    db = app[keys.DB]
    await until(listening(hub), what="subscribed to hook changes")
    ingestor = Ingestor(db, serving)
    await ingestor.ingest(contact("m-0"))  # the hub has read the hooks: none
    for name, value in (
        ("HUB_CONFIG", str(PROJECT_ROOT / "config" / "hub.toml")),
        ("HUB_REDIS_URL", redis_url),
        ("HUB_DATABASE_URL", settings.database_url),
        ("HUB_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true"),
    ):
        monkeypatch.setenv(name, value)  # fmt: skip
    # `hub webhook add` runs its own event loop: in a thread, while the hub's loop acknowledges the hold.
    assert await asyncio.to_thread(main, ["webhook", "add", "http://127.0.0.1:9/h", "--events", "ticket.created"]) == 0
    assert app[HOOK_ANNOUNCER].heard >= 1  # its hold, acknowledged before the hook was written (its release follows)
    async with db.read() as s:
        hook_id = await s.scalar(select(func.max(Webhook.id)))
    assert isinstance(hook_id, int)
    await ingestor.ingest(contact("m-1"))
    assert await owed(db, hook_id) == ["ticket.created"]
    assert await asyncio.to_thread(main, ["webhook", "remove", str(hook_id)]) == 0
    await ingestor.ingest(contact("m-2"))
    assert await owed(db, hook_id) == []
