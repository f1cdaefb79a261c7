"""The agent console: its live feed and /agent socket namespace, sign-in, and its pages' routes (each page's module
loads on its first request: page_table.py)."""

from __future__ import annotations

from aiohttp import web

from hub import keys
from hub.agent_console import page_table
from hub.agent_console.feed import EVENT_IDS, ConsoleFeed, EventIds
from hub.agent_console.realtime import AgentNamespace
from hub.agent_console.revocation import SocketGuard
from hub.agent_console.signin import setup_signin
from hub.settings import Settings

SOCKET_GUARD = web.AppKey("socket_guard", SocketGuard)
CONSOLE_FEED = web.AppKey("console_feed", ConsoleFeed)


def setup(app: web.Application, settings: Settings) -> None:
    """After the core (it uses the database, socket.io and presence from the app's keys)."""
    db, sio = app[keys.DB], app[keys.SIO]
    event_ids = EventIds()
    feed = ConsoleFeed(sio, event_ids)
    feed.subscribe(db.bus)
    app[CONSOLE_FEED] = feed
    app[EVENT_IDS] = event_ids
    agent_namespace = AgentNamespace(db, app[keys.PRESENCE], event_ids)
    sio.register_namespace(agent_namespace)
    agent_namespace.guard.subscribe(db.bus)  # revoked credentials close their console sockets
    app[SOCKET_GUARD] = agent_namespace.guard
    setup_signin(app, db, settings)
    app.router.add_routes(page_table.route_defs())
