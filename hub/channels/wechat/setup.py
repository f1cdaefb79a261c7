"""WeChat official accounts: the adapter, the push webhook, and the media downloads it leaves running."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

from aiohttp import web

from hub.channels.core import ChannelCore
from hub.channels.wechat.config import DEFAULT_API_BASE, wechat_accounts
from hub.settings import Settings


def setup(app: web.Application, settings: Settings, core: ChannelCore) -> None:
    """On when [wechat.accounts.<name>] names at least one account."""
    accounts = wechat_accounts(settings)
    if not accounts:
        return
    # Imported only with an account: its XML parsing, crypto and API client are for its traffic alone.
    from hub.channels.wechat import webhooks
    from hub.channels.wechat.channel import WeChatChannel
    from hub.channels.wechat.webhooks import MEDIA_TASKS, WECHAT, WECHAT_CORE, WeChatCore

    replay_window = timedelta(seconds=settings.wechat_replay_window_s)
    channel = WeChatChannel(accounts, settings.wechat_api_base or DEFAULT_API_BASE, replay_window)
    core.registry.register(channel)
    app[WECHAT] = channel
    app[MEDIA_TASKS] = set()
    app[WECHAT_CORE] = WeChatCore(core.desk, core.nicknames)
    app.router.add_routes(webhooks.routes)
    app.cleanup_ctx.append(_media_downloads)


async def _media_downloads(app: web.Application) -> AsyncIterator[None]:
    from hub.channels.wechat.webhooks import MEDIA_TASKS  # loaded by setup() already

    yield
    # A download still running at stop would write through a database about to close.
    running: set[asyncio.Task[None]] = app[MEDIA_TASKS]
    for task in list(running):
        task.cancel()
