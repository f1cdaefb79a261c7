"""What the core lends each channel's setup: one typed bundle, so a channel reaches nothing else of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import socketio
from aiohttp import web

from hub.bus import EventBus
from hub.channels.email.ports import MailCore
from hub.channels.registry import ChannelRegistry
from hub.channels.storage import LocalDirectoryStore
from hub.customers.nicknames import Nicknames
from hub.customers.visitors import VisitorBook
from hub.routing.calls import CallOffers
from hub.settings import Settings
from hub.tickets.calls import CallStore
from hub.tickets.desk import ChannelDesk
from hub.tickets.ingest import Ingestor


@dataclass(frozen=True, slots=True)
class ChannelCore:
    registry: ChannelRegistry  # a channel registers its adapters here; delivery sends through it
    bus: EventBus
    ingestor: Ingestor  # where inbound contacts go
    files: LocalDirectoryStore  # attachments (WeChat media, MMS, mail parts)
    sio: socketio.AsyncServer  # the one socket.io server (the web chat's visitors, the consoles)
    agents_online: Callable[[], bool]  # whether any agent is available now (the chat's pre-chat notice)
    # What channels remember goes through these core services; a channel never opens the database itself.
    desk: ChannelDesk  # late media, providers' receipts, consent, a channel's own replies
    calls: CallStore  # phone calls' progress
    call_offers: CallOffers  # the agent a waiting call rings, and their answer
    visitors: VisitorBook  # the web chat's resumed conversations
    nicknames: Nicknames  # names learnt from a channel (WeChat followers)
    mail: MailCore  # mail notices, IMAP checkpoints, one poller per mailbox


# Each channel folder's setup.py: registers its adapters, routes, app keys and its own cleanup_ctx, when its
# settings turn it on. create_app calls them in the order of hub.channels.setups.CHANNEL_SETUPS.
ChannelSetup = Callable[[web.Application, Settings, ChannelCore], None]
