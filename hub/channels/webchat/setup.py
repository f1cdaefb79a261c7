"""The web chat: its adapter on the shared socket.io server, the /visitor namespace, notices and the widget's pages."""

from __future__ import annotations

from aiohttp import web

from hub.channels.core import ChannelCore
from hub.channels.limits import SenderLimiter
from hub.channels.webchat import routes
from hub.channels.webchat.channel import WebchatChannel
from hub.channels.webchat.config import webchat_config
from hub.channels.webchat.new_conversations import NewConversations
from hub.channels.webchat.notices import StillLooking
from hub.channels.webchat.receipts import ReadReceipts
from hub.channels.webchat.uploads import UPLOADS_PER_MINUTE, ChatFiles
from hub.channels.webchat.visitor import VisitorNamespace
from hub.settings import Settings
from hub.settings.paths import LOCALE, STATIC


def setup(app: web.Application, settings: Settings, core: ChannelCore) -> None:
    """Always on: every hub answers chats."""
    config = webchat_config(settings)
    channel = WebchatChannel(core.sio, settings.chat_max_message_bytes, config.identity_secrets)
    core.registry.register(channel)
    limits = NewConversations(config, settings.trusted_proxies)
    files = ChatFiles(core.files, min(config.max_file_bytes, core.files.max_bytes), SenderLimiter(UPLOADS_PER_MINUTE))
    visitors = VisitorNamespace(channel, core.ingestor, core.visitors, core.agents_online, limits, files)
    core.sio.register_namespace(visitors)
    ReadReceipts(core.sio).register()
    StillLooking(core.sio).subscribe(core.bus)
    app[routes.CHAT_PAGE] = routes.ChatPage(config, LOCALE, STATIC / "app")
    app[routes.CHAT_FILES] = files
    app.router.add_routes(routes.routes)
