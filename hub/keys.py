"""Typed aiohttp app keys for the singletons built in create_app (no string keys).

Any layer may read a key, so this module imports nothing of the hub at run time: the value types are named for
the type checker only (create_app, the composition root, is what puts the values there)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    import socketio

    from hub.agents.presence import Presence
    from hub.channels.email.service import EmailService
    from hub.channels.registry import ChannelRegistry
    from hub.channels.storage import LocalDirectoryStore
    from hub.db.engine import Database
    from hub.knowledge.base import KnowledgeBase
    from hub.routing.engine import RoutingEngine
    from hub.settings import Settings
    from hub.signin.passwords import PasswordChecks
    from hub.tickets.delivery import DeliveryWorker
    from hub.tickets.ingest import Ingestor

SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
DB: web.AppKey[Database] = web.AppKey("db")
CHANNELS: web.AppKey[ChannelRegistry] = web.AppKey("channels")
INGESTOR: web.AppKey[Ingestor] = web.AppKey("ingestor")
DELIVERY: web.AppKey[DeliveryWorker] = web.AppKey("delivery")
PRESENCE: web.AppKey[Presence] = web.AppKey("presence")
SIO: web.AppKey[socketio.AsyncServer] = web.AppKey("sio")
ATTACHMENTS: web.AppKey[LocalDirectoryStore] = web.AppKey("attachments")
KNOWLEDGE: web.AppKey[KnowledgeBase] = web.AppKey("knowledge")
ROUTING: web.AppKey[RoutingEngine] = web.AppKey("routing")
EMAIL: web.AppKey[EmailService] = web.AppKey("email")  # only when mailboxes are configured
PASSWORD_CHECKS: web.AppKey[PasswordChecks] = web.AppKey("password_checks")  # sign-in's pool, the API's too
