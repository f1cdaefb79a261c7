"""create_app(settings): the composition root; every resource starts and stops in cleanup_ctx."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from hub import keys
from hub.agent_console import directory as directory_routes
from hub.agent_console import inbox as inbox_routes
from hub.agent_console import knowledge_pages as knowledge_page_routes
from hub.agent_console import mail_view as mail_view_routes
from hub.agent_console import reports_page as report_routes
from hub.agent_console import routes as console_routes
from hub.agent_console import ticket_page as ticket_page_routes
from hub.agent_console import wallboard_page as wallboard_routes
from hub.agent_console.fanout import DirectEmit, RedisDirectEmit
from hub.agent_console.feed import EVENT_IDS, ConsoleFeed, EventIds
from hub.agent_console.i18n import Catalogs
from hub.agent_console.pages import CATALOGS
from hub.agent_console.realtime import AgentNamespace
from hub.agent_console.revocation import SocketGuard
from hub.agent_console.signin import setup_signin
from hub.agent_console.suggestions import SuggestionFeed
from hub.agents.presence import Presence
from hub.api import access as access_routes
from hub.api import agents as agent_routes
from hub.api import customer_imports as customer_import_routes
from hub.api import customer_merges as customer_merge_routes
from hub.api import customer_privacy as customer_privacy_routes
from hub.api import customers as customer_routes
from hub.api import deliveries as delivery_routes
from hub.api import knowledge as knowledge_routes
from hub.api import macros as macro_routes
from hub.api import mail_notices as mail_notice_routes
from hub.api import routes as api_routes
from hub.api import surveys as survey_routes
from hub.api import uploads as upload_routes
from hub.api.errors import api_errors
from hub.api.openapi import openapi
from hub.bus import EventBus
from hub.channels.email.service import EmailService
from hub.channels.registry import ChannelRegistry
from hub.channels.twilio import sms_webhooks, voice_callbacks, voice_hold, voice_webhooks
from hub.channels.twilio.service import TwilioService
from hub.channels.twilio.sms_webhooks import TWILIO
from hub.channels.webchat import routes as chat_routes
from hub.channels.webchat.channel import WebchatChannel
from hub.channels.webchat.notices import StillLooking
from hub.channels.webchat.transport import SocketServer
from hub.channels.webchat.visitor import VisitorNamespace
from hub.channels.wechat import webhooks as wechat_routes
from hub.channels.wechat.channel import WeChatChannel
from hub.channels.wechat.webhooks import MEDIA_TASKS, WECHAT, WECHAT_CORE, WeChatCore
from hub.customers.nicknames import Nicknames
from hub.customers.surveys import SurveySender
from hub.customers.visitors import VisitorBook
from hub.db.engine import Database
from hub.db.migrate import ensure_current
from hub.events import MessageCreated
from hub.knowledge.base import KnowledgeBase
from hub.ops.body_deadline import body_deadline
from hub.ops.bridge import RedisBridge
from hub.ops.health import healthz, readyz
from hub.ops.logs import request_ids
from hub.ops.metrics import METRICS, Metrics, metrics
from hub.routing.config import load_routing
from hub.routing.engine import RoutingEngine
from hub.routing.live_stats import LiveStats
from hub.settings import PROJECT_ROOT, Settings
from hub.storage import LocalDirectoryStore
from hub.tickets.calls import CallStore
from hub.tickets.delivery import DeliveryWorker
from hub.tickets.desk import ChannelDesk
from hub.tickets.ingest import Ingestor
from hub.tickets.queues import sync_queues

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SOCKET_IO_CLIENT = Path("socket.io-client/dist/socket.io.min.js")
LIVE_STATS = web.AppKey("live_stats", LiveStats)
EMAIL = keys.EMAIL  # (tests and benches import it from here)
BRIDGE = web.AppKey("redis_bridge", RedisBridge)
SOCKET_GUARD = web.AppKey("socket_guard", SocketGuard)
CONSOLE_FEED = web.AppKey("console_feed", ConsoleFeed)
GOODBYE_S = 3.0  # how long a stopping process waits for sockets to collect their goodbye


class AssetsMissing(RuntimeError):
    pass


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.content_type == "text/html":
        # No inline script anywhere: stored text can never run as code in an agent's browser.
        ancestors = "*" if request.path == "/chat" else "'none'"
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self' ws: wss:; frame-ancestors {ancestors}; base-uri 'none'; form-action 'self'",
        )
    return response


async def home(_request: web.Request) -> web.Response:
    raise web.HTTPFound("/console")


async def socket_io_client(request: web.Request) -> web.FileResponse:
    return web.FileResponse(Path(request.app[keys.SETTINGS].assets_dir) / SOCKET_IO_CLIENT)


def create_app(settings: Settings) -> web.Application:
    asset = Path(settings.assets_dir) / SOCKET_IO_CLIENT
    if not asset.is_file():
        raise AssetsMissing(f"{asset} is missing: run `npm ci` in {PROJECT_ROOT} (./run setup does it)")
    app = web.Application(middlewares=[request_ids, api_errors, body_deadline, security_headers])
    bus = EventBus()
    db = Database(settings.database_url, bus)
    # With Redis, an event emitted in one process reaches sockets connected to every other one.
    manager = RedisDirectEmit(settings.redis_url) if settings.redis_url else DirectEmit()
    # Bounded memory per socket, yet above the chat message limit (1 MiB by default against 10 kB), so an
    # oversized message is read and answered too_large; a packet above it closes that connection (the
    # widget re-sends what was not acknowledged once it reconnects).
    sio = SocketServer(async_mode="aiohttp", client_manager=manager, logger=False, engineio_logger=False,
                       max_http_buffer_size=settings.chat_transport_bytes)  # fmt: skip
    sio.attach(app)
    webchat = WebchatChannel(sio, settings.chat_max_message_bytes, settings.webchat.identity_secrets)
    channels = ChannelRegistry([webchat])
    if settings.wechat_accounts:
        wechat = WeChatChannel(
            settings.wechat_accounts, settings.wechat_api_base, timedelta(seconds=settings.wechat_replay_window_s)
        )
        channels.register(wechat)
        app[WECHAT] = wechat
        app[WECHAT_CORE] = WeChatCore(ChannelDesk(db), Nicknames(db))
        app[MEDIA_TASKS] = set()
        app.router.add_routes(wechat_routes.routes)
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
    if settings.twilio.enabled:
        twilio = TwilioService(settings.twilio, settings.public_url, CallStore(db), ChannelDesk(db), files)
        channels.register(twilio.sms)
        channels.register(twilio.voice)
        app[TWILIO] = twilio
        for table in (sms_webhooks.routes, voice_webhooks.routes, voice_hold.routes, voice_callbacks.routes):
            app.router.add_routes(table)
    if settings.email.mailboxes:
        email = EmailService(settings, ingestor, db, files)
        channels.register(email.channel)
        app[EMAIL] = email
    event_ids = EventIds()
    feed = ConsoleFeed(sio, event_ids)
    feed.subscribe(bus)
    app[CONSOLE_FEED] = feed
    app[EVENT_IDS] = event_ids
    sio.register_namespace(VisitorNamespace(webchat, ingestor, VisitorBook(db), presence.any_available))
    StillLooking(sio).subscribe(bus)
    agent_namespace = AgentNamespace(db, presence, event_ids)
    sio.register_namespace(agent_namespace)
    agent_namespace.guard.subscribe(bus)  # revoked credentials close their console sockets
    app[SOCKET_GUARD] = agent_namespace.guard
    app[CATALOGS] = Catalogs(PROJECT_ROOT / "locale")

    app[keys.SETTINGS] = settings
    app[keys.DB] = db
    app[keys.SIO] = sio
    app[keys.CHANNELS] = channels
    app[keys.INGESTOR] = ingestor
    app[keys.PRESENCE] = presence
    app[keys.DELIVERY] = delivery
    setup_signin(app, db, settings)
    routing.subscribe(bus)
    app[keys.ROUTING] = routing
    if settings.redis_url:
        bridge = RedisBridge(settings.redis_url, routing, agent_namespace.guard.revoked)
        bridge.subscribe(bus)
        app[BRIDGE] = bridge
    live_stats = LiveStats(db, sio, lambda: routing.config.capacity, shared=bool(settings.redis_url))
    live_stats.subscribe(bus)
    app[LIVE_STATS] = live_stats
    SurveySender(db, settings.public_url).subscribe(bus)
    app[METRICS] = Metrics()
    app[METRICS].subscribe(bus)
    knowledge = KnowledgeBase(db)
    app[keys.KNOWLEDGE] = knowledge
    SuggestionFeed(sio, knowledge).subscribe(bus)
    app[keys.ATTACHMENTS] = files

    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(PROJECT_ROOT / "templates"),
        autoescape=jinja2.select_autoescape(),
    )
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/api/openapi.json", openapi)
    app.router.add_get("/static/vendor/socket.io.min.js", socket_io_client)
    app.router.add_static("/static/", PROJECT_ROOT / "static")
    app.router.add_routes(api_routes.routes)
    app.router.add_routes(customer_import_routes.routes)
    app.router.add_routes(customer_routes.routes)
    app.router.add_routes(customer_merge_routes.routes)
    app.router.add_routes(customer_privacy_routes.routes)
    app.router.add_routes(survey_routes.routes)
    app.router.add_routes(agent_routes.routes)
    app.router.add_routes(knowledge_routes.routes)
    app.router.add_routes(macro_routes.routes)
    app.router.add_routes(upload_routes.routes)
    app.router.add_routes(mail_notice_routes.routes)
    app.router.add_routes(delivery_routes.routes)
    app.router.add_routes(access_routes.routes)
    app.router.add_routes(console_routes.routes)
    app.router.add_routes(inbox_routes.routes)
    app.router.add_routes(ticket_page_routes.routes)
    app.router.add_routes(mail_view_routes.routes)
    for table in (directory_routes.routes, wallboard_routes.routes, report_routes.routes, knowledge_page_routes.routes):
        app.router.add_routes(table)
    app.router.add_routes(chat_routes.routes)
    app.router.add_get("/", home)
    app.cleanup_ctx.append(_lifecycle)
    app.on_shutdown.append(_say_goodbye)
    return app


async def _say_goodbye(app: web.Application) -> None:
    """Stopping: tell consoles and chat windows to reconnect (to another process behind the same address),
    then close their sockets, so none waits on a dead connection."""
    sio = app[keys.SIO]
    await app[CONSOLE_FEED].drain()
    for namespace in ("/agent", "/visitor"):
        await sio.emit("server_restarting", {"reconnect_in_ms": 1000}, namespace=namespace)
    await sio.shutdown()
    # Then close every socket (each sends what it has queued first, the goodbye included), so a client that
    # stays connected cannot hold the stop up until the server's shutdown timeout. A long-polling client that
    # has gone (a tab closed between two polls) never collects its goodbye: it is waited for a moment only.
    if sio.eio.sockets:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(GOODBYE_S):
                await sio.eio.disconnect()


async def _lifecycle(app: web.Application) -> AsyncIterator[None]:
    settings, db = app[keys.SETTINGS], app[keys.DB]
    try:
        await ensure_current(db.engine)
        db.start()
        await sync_queues(db, settings.queues)
        await app[keys.PRESENCE].reset()
        await app[keys.PRESENCE].start()
        await app[keys.KNOWLEDGE].start()
        await app[keys.ROUTING].start()
        if BRIDGE in app:
            await app[BRIDGE].start()
        await app[LIVE_STATS].start()
        await app[SOCKET_GUARD].start()
        await app[keys.CHANNELS].start_all()
        await app[keys.DELIVERY].start()
        if EMAIL in app:
            await app[EMAIL].start()
        if TWILIO in app:
            await app[TWILIO].start()
        # Start-up leaves millions of long-lived objects (the Chinese dictionaries, compiled statements) that
        # live as long as the process: keep them out of the collector's full passes, each of which would
        # otherwise stall the loop ~0.5 s. (Raising the collector's thresholds as well shortened the console's
        # worst pauses but let cyclic garbage pile up over a long day: not worth it.)
        gc.collect()
        gc.freeze()
        yield
    finally:
        for task in list(app.get(MEDIA_TASKS, ())):
            task.cancel()
        if EMAIL in app:
            await app[EMAIL].stop()
        if TWILIO in app:
            await app[TWILIO].stop()
        await app[keys.DELIVERY].stop()
        if BRIDGE in app:
            await app[BRIDGE].stop()
        await app[keys.ROUTING].stop()
        await app[LIVE_STATS].stop()
        await app[SOCKET_GUARD].stop()
        await app[keys.PRESENCE].stop()
        await app[keys.CHANNELS].stop_all()
        await app[keys.KNOWLEDGE].stop()
        await db.dispose()
