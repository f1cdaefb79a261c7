"""The app's start and stop: the core's services in order, the start-up heap frozen, sockets told goodbye."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator

from aiohttp import web

from hub import keys
from hub.agent_console.setup import CONSOLE_FEED, SOCKET_GUARD
from hub.app.core import BREACHES, BRIDGE, LIVE_STATS, REMINDERS
from hub.db.engine import Database
from hub.db.migrate import ensure_current
from hub.ops import warm_up
from hub.ops.collector import Policy, SocketFreezer
from hub.settings import Settings, SettingsError
from hub.tickets.calendar_store import reload_calendars, sync_calendars
from hub.tickets.queues import UnknownCalendar, sync_queues

GOODBYE_S = 3.0  # how long a stopping process waits for sockets to collect their goodbye


async def run_core(app: web.Application) -> AsyncIterator[None]:
    """First of the app's cleanup contexts: the channels' own start after it and stop before it."""
    settings, db = app[keys.SETTINGS], app[keys.DB]
    try:
        await ensure_current(db.engine)
        db.start()
        # The calendars live in the database (admins edit them); hub.toml's are mirrored in first.
        await sync_calendars(db, settings.calendars)
        await reload_calendars(db)
        await _sync_queues(db, settings)
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
        await app[REMINDERS].start()
        await app[BREACHES].start()
        yield
    finally:
        await app[BREACHES].stop()
        await app[REMINDERS].stop()
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


async def _sync_queues(db: Database, settings: Settings) -> None:
    try:
        await sync_queues(db, settings.queues)
    except UnknownCalendar as exc:  # start-up stops with the file's key named, as for any other wrong setting
        raise SettingsError(
            f"queues.{exc.queue}.calendar",
            exc.calendar,
            "the name of a calendar: a [calendars.<name>] table, or one an admin made (`hub calendars`, the API)",
        ) from None


async def settle(app: web.Application) -> AsyncIterator[None]:
    """Last of the app's cleanup contexts, once everything has started."""
    # Start-up leaves millions of long-lived objects (the Chinese dictionaries, compiled statements) that
    # live as long as the process: keep them out of the collector's full passes, each of which would
    # otherwise stall the loop ~0.5 s. (Raising the collector's thresholds as well shortened the console's
    # worst pauses but let cyclic garbage pile up over a long day: not worth it.)
    gc.collect()
    gc.freeze()
    warm_up.start()  # the Chinese dictionaries load in a thread while the hub already answers (then frozen too)
    # Then the sockets' own objects, as they connect (and collected again once enough of them have closed).
    eio = app[keys.SIO].eio
    freezer = SocketFreezer(eio.sockets.keys, Policy(settle_s=_let_go_s(eio.ping_interval, eio.ping_timeout)))
    freezer.start()
    yield
    await freezer.stop()


def _let_go_s(ping_interval: float | tuple[float, float], ping_timeout: float) -> float:
    """How long engine.io's own tasks may hold a closed socket: its ping's sleep, or a round of the service task
    (each at most one of these after the close), with the other as a margin."""
    interval = sum(ping_interval) if isinstance(ping_interval, tuple) else ping_interval
    return float(interval) + float(ping_timeout)


async def say_goodbye(app: web.Application) -> None:
    """Stopping: tell consoles and chat windows to reconnect (to another process behind the same address),
    then close their sockets, so none waits on a dead connection."""
    sio = app[keys.SIO]
    await app[CONSOLE_FEED].drain()
    for namespace in ("/agent", "/visitor"):  # this process's sockets only: the other processes keep theirs
        await sio.manager.emit_here("server_restarting", {"reconnect_in_ms": 1000}, namespace)
    await sio.shutdown()
    # Then close every socket (each sends what it has queued first, the goodbye included), so a client that
    # stays connected cannot hold the stop up until the server's shutdown timeout. A long-polling client that
    # has gone (a tab closed between two polls) never collects its goodbye: it is waited for a moment only.
    if sio.eio.sockets:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(GOODBYE_S):
                await sio.eio.disconnect()
