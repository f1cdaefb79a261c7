"""The hub's core, built once per app: database, bus, socket.io, channel registry, routing, ingest, delivery, files."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from aiohttp import web

from hub import keys
from hub.agent_console.fanout import DirectEmit, RedisDirectEmit
from hub.agent_console.setup import SOCKET_GUARD
from hub.agent_console.suggestions import SuggestionFeed
from hub.agents.presence import Presence
from hub.bus import EventBus
from hub.channels.core import ChannelCore
from hub.channels.email.ports import MailCore
from hub.channels.registry import ChannelRegistry
from hub.channels.storage import LocalDirectoryStore
from hub.channels.webchat.transport import SocketServer
from hub.customers.nicknames import Nicknames
from hub.customers.visitors import VisitorBook
from hub.db.checkpoints import MailCheckpoints
from hub.db.engine import Database
from hub.events import MessageCreated
from hub.knowledge.base import KnowledgeBase
from hub.ops.bridge import RedisBridge
from hub.ops.leadership import Leadership
from hub.ops.metrics import METRICS, Metrics
from hub.routing.calls import CallOffers
from hub.routing.config import load_routing
from hub.routing.engine import RoutingEngine
from hub.routing.live_stats import LiveStats
from hub.settings import Settings
from hub.tickets.calendar_store import follow_changes, reload_calendars
from hub.tickets.calls import CallStore
from hub.tickets.delivery import DeliveryWorker
from hub.tickets.desk import ChannelDesk
from hub.tickets.ingest import Ingestor
from hub.tickets.mail_notices import MailNoticeStore
from hub.tickets.sla_watch import BreachWatch
from hub.tickets.snooze import ReminderWaker
from hub.tickets.surveys import SurveySender

LIVE_STATS = web.AppKey("live_stats", LiveStats)
BRIDGE = web.AppKey("redis_bridge", RedisBridge)
REMINDERS = web.AppKey("ticket_reminders", ReminderWaker)
BREACHES = web.AppKey("sla_breaches", BreachWatch)


def build_core(app: web.Application, settings: Settings) -> ChannelCore:
    """Build the core services into the app's keys; returns what channels may use of them."""
    bus = EventBus()
    db = Database(settings.database_url, bus, "fast" if settings.database_durability == "fast" else "full")
    # With Redis, an event emitted in one process reaches sockets connected to every other one.
    manager = RedisDirectEmit(settings.redis_url) if settings.redis_url else DirectEmit()
    # Bounded memory per socket, yet above the chat message limit (1 MiB by default against 10 kB), so an
    # oversized message is read and answered too_large; a packet above it closes that connection (the
    # widget re-sends what was not acknowledged once it reconnects).
    sio = SocketServer(async_mode="aiohttp", client_manager=manager, logger=False, engineio_logger=False,
                       max_http_buffer_size=settings.chat_transport_bytes)  # fmt: skip
    sio.attach(app)
    channels = ChannelRegistry()  # filled by the channels' setups
    routing_config = load_routing(Path(settings.routing_config))
    presence = Presence(db, routing_config.away_on_disconnect_s)
    routing = RoutingEngine(db, presence, routing_config)
    # Through the engine, so a reloaded policy's SLA targets apply to the next ticket.
    ingestor = Ingestor(db, settings, lambda tier, channel: routing.config.sla_minutes(tier, channel))
    delivery = DeliveryWorker(db, channels, settings.delivery, settings.outbox_max_attempts)

    async def wake_delivery(event: MessageCreated) -> None:
        if event.interaction.direction == "outbound":
            delivery.wake()

    bus.subscribe(MessageCreated, wake_delivery)
    files = LocalDirectoryStore(settings.attachments_dir, settings.attachment_max_bytes)
    app[keys.SETTINGS] = settings
    app[keys.DB] = db
    app[keys.SIO] = sio
    app[keys.CHANNELS] = channels
    app[keys.INGESTOR] = ingestor
    app[keys.PRESENCE] = presence
    app[keys.DELIVERY] = delivery
    app[keys.ROUTING] = routing
    app[keys.ATTACHMENTS] = files
    desk = ChannelDesk(db)
    mail = MailCore(MailNoticeStore(db), MailCheckpoints(db), desk, partial(Leadership, db))
    # Channels keep their state through these: none of them opens the database itself.
    stores = (desk, CallStore(db), CallOffers(db), VisitorBook(db), Nicknames(db), mail)
    return ChannelCore(channels, bus, ingestor, files, sio, presence.any_available, *stores)


def build_listeners(app: web.Application, settings: Settings) -> None:
    """The core's other listeners, subscribed after the console's feed and the channels' own (a bus runs its
    handlers in subscription order: the consoles hear of a ticket before routing offers it)."""
    db, sio, routing, channels = app[keys.DB], app[keys.SIO], app[keys.ROUTING], app[keys.CHANNELS]
    routing.subscribe(db.bus)
    follow_changes(db, db.bus)  # an admin's calendar edit reaches this process's SLA clocks at once
    if settings.redis_url:
        bridge = RedisBridge(settings.redis_url, routing, app[SOCKET_GUARD].revoked, partial(reload_calendars, db))
        bridge.subscribe(db.bus)
        app[BRIDGE] = bridge
    live_stats = LiveStats(db, sio, lambda: routing.config.capacity, shared=bool(settings.redis_url))
    live_stats.subscribe(db.bus)
    app[LIVE_STATS] = live_stats
    SurveySender(db, settings.public_url, channels).subscribe(db.bus)
    app[METRICS] = Metrics()
    app[METRICS].subscribe(db.bus)
    knowledge = KnowledgeBase(db)
    app[keys.KNOWLEDGE] = knowledge
    SuggestionFeed(sio, knowledge).subscribe(db.bus)
    # Snoozed tickets open again when due: one process at a time looks (on PostgreSQL an advisory lock).
    reminders = ReminderWaker(db, partial(Leadership, db))
    reminders.subscribe(db.bus)
    app[REMINDERS] = reminders
    app[BREACHES] = BreachWatch(db, partial(Leadership, db))
