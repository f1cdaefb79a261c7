"""Email: the adapter, the SMTP listener and IMAP readers of the configured mailboxes, and the service's work."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from hub import keys
from hub.channels.core import ChannelCore
from hub.channels.email.config import email_config
from hub.settings import Settings


def setup(app: web.Application, settings: Settings, core: ChannelCore) -> None:
    """On when [email.mailboxes.<name>] names at least one mailbox."""
    if not email_config(settings).mailboxes:
        return
    # Imported only with a mailbox: IMAP, SMTP, the parsers' process pool and charset detection are ~100
    # modules a hub without e-mail never runs (docs/performance.md "Memory").
    from hub.channels.email.service import EmailService

    service = EmailService(settings, core.ingestor, core.mail, core.files)
    core.registry.register(service.channel)
    app[keys.EMAIL] = service
    app.cleanup_ctx.append(_running)


async def _running(app: web.Application) -> AsyncIterator[None]:
    try:  # stopped even when its start fails half-way
        await app[keys.EMAIL].start()
        yield
    finally:
        await app[keys.EMAIL].stop()
