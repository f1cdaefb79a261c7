"""Twilio SMS and voice: both adapters, their webhooks (messages, calls, hold, callbacks) and the service's work."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from hub.channels.core import ChannelCore
from hub.channels.twilio.config import twilio_config
from hub.settings import Settings


def setup(app: web.Application, settings: Settings, core: ChannelCore) -> None:
    """On with credentials and at least one number in [twilio.numbers]."""
    config = twilio_config(settings)
    if not config.enabled:
        return
    # Imported only for a configured Twilio: its SDK (TwiML, its HTTP client with requests and urllib3) is
    # ~200 modules a hub without Twilio never runs (docs/performance.md "Memory").
    from hub.channels.twilio import sms_webhooks, voice_callbacks, voice_hold, voice_webhooks
    from hub.channels.twilio.service import TwilioService
    from hub.channels.twilio.sms_webhooks import TWILIO

    service = TwilioService(
        config, settings.public_url, core.calls, core.call_offers, core.desk, core.files, settings.trusted_proxies
    )
    core.registry.register(service.sms)
    core.registry.register(service.voice)
    app[TWILIO] = service
    for table in (sms_webhooks.routes, voice_webhooks.routes, voice_hold.routes, voice_callbacks.routes):
        app.router.add_routes(table)
    app.cleanup_ctx.append(_running)


async def _running(app: web.Application) -> AsyncIterator[None]:
    from hub.channels.twilio.sms_webhooks import TWILIO  # loaded by setup() already

    try:  # stopped even when its start fails half-way
        await app[TWILIO].start()
        yield
    finally:
        await app[TWILIO].stop()
