"""The web chat: its adapter on the shared socket.io server, the /visitor namespace, notices and the widget's pages."""

from __future__ import annotations

from aiohttp import web

from hub.channels.core import ChannelCore
from hub.channels.webchat import routes
from hub.channels.webchat.channel import WebchatChannel
from hub.channels.webchat.config import webchat_config
from hub.channels.webchat.new_conversations import NewConversations
from hub.channels.webchat.notices import StillLooking
from hub.channels.webchat.visitor import VisitorNamespace
from hub.settings import Settings


def setup(app: web.Application, settings: Settings, core: ChannelCore) -> None:
    """Always on: every hub answers chats."""
    config = webchat_config(settings)
    channel = WebchatChannel(core.sio, settings.chat_max_message_bytes, config.identity_secrets)
    core.registry.register(channel)
    limits = NewConversations(config, settings.trusted_proxies)
    core.sio.register_namespace(VisitorNamespace(channel, core.ingestor, core.visitors, core.agents_online, limits))
    StillLooking(core.sio).subscribe(core.bus)
    app.router.add_routes(routes.routes)
