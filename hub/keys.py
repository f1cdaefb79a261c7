"""Typed aiohttp app keys for the singletons built in create_app (no string keys)."""

from __future__ import annotations

import socketio
from aiohttp import web

from hub.agent_console.presence import Presence
from hub.channels.email.service import EmailService
from hub.channels.registry import ChannelRegistry
from hub.db.engine import Database
from hub.knowledge.base import KnowledgeBase
from hub.routing.engine import RoutingEngine
from hub.settings import Settings
from hub.storage import LocalDirectoryStore
from hub.tickets.delivery import DeliveryWorker
from hub.tickets.ingest import Ingestor

SETTINGS = web.AppKey("settings", Settings)
DB = web.AppKey("db", Database)
CHANNELS = web.AppKey("channels", ChannelRegistry)
INGESTOR = web.AppKey("ingestor", Ingestor)
DELIVERY = web.AppKey("delivery", DeliveryWorker)
PRESENCE = web.AppKey("presence", Presence)
SIO = web.AppKey("sio", socketio.AsyncServer)
ATTACHMENTS = web.AppKey("attachments", LocalDirectoryStore)
KNOWLEDGE = web.AppKey("knowledge", KnowledgeBase)
ROUTING = web.AppKey("routing", RoutingEngine)
EMAIL = web.AppKey("email", EmailService)  # only when mailboxes are configured
