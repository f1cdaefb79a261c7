"""Outbound webhooks in the app: deliveries written with every write's events, a sender started with the core,
admins told of a disabled hook on their consoles, the [webhooks] settings handed to the API; with Redis, hook
changes told to and heard from the other processes (their hook caches)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from hub import keys
from hub.api.app_keys import WEBHOOK_CONFIG
from hub.settings import Settings, SettingsError
from hub.webhooks.active import active_hooks
from hub.webhooks.announce import HookAnnouncer
from hub.webhooks.config import WebhookConfigError, webhook_config
from hub.webhooks.notices import DisabledNotices
from hub.webhooks.recorder import DeliveryRecorder
from hub.webhooks.sender import WebhookSender

WEBHOOK_SENDER = web.AppKey("webhook_sender", WebhookSender)
HOOK_ANNOUNCER = web.AppKey("hook_announcer", HookAnnouncer)


def setup_webhooks(app: web.Application, settings: Settings) -> None:
    try:
        config = webhook_config(settings.channels.get("webhooks"), settings.env)
    except WebhookConfigError as exc:
        key = exc.key if exc.key.startswith("HUB_") else f"{settings.config}:{exc.key}"
        raise SettingsError(key, exc.value, exc.expected) from None
    db = app[keys.DB]
    DeliveryRecorder().install(db)
    sender = WebhookSender(db, config)
    sender.subscribe(db.bus)
    DisabledNotices(app[keys.SIO]).subscribe(db.bus)
    app[WEBHOOK_CONFIG] = config
    app[WEBHOOK_SENDER] = sender
    if settings.redis_url:
        announcer = HookAnnouncer(settings.redis_url, active_hooks(db))
        announcer.subscribe(db.bus)
        app[HOOK_ANNOUNCER] = announcer
    app.cleanup_ctx.append(run_webhooks)


async def run_webhooks(app: web.Application) -> AsyncIterator[None]:
    """After the core (the database is migrated) and stopped before it (the database is still open)."""
    sender, announcer = app[WEBHOOK_SENDER], app.get(HOOK_ANNOUNCER)
    if announcer is not None:
        await announcer.start()
    await sender.start()
    try:
        yield
    finally:
        await sender.stop()
        if announcer is not None:
            await announcer.stop()
