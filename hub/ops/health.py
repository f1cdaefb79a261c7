"""GET /healthz (the process answers: liveness) and GET /readyz (it can do its work: warmed up, database, Redis,
routing, delivery, mail listeners and pollers), each part named with its state."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from sqlalchemy import text

from hub import __version__, keys
from hub.ops import warm_up

CHECK_TIMEOUT_S = 2.0


async def healthz(_request: web.Request) -> web.Response:
    """Liveness only: a restart would not fix a database that is down, so that is for /readyz."""
    return web.json_response({"status": "ok", "version": __version__})


async def _database(app: web.Application) -> str:
    async with app[keys.DB].read() as s:
        await s.execute(text("SELECT 1"))
    return "ok"


async def _redis(url: str) -> str:
    import redis.asyncio as redis  # only when configured

    client = redis.from_url(url)
    try:
        await client.ping()
    finally:
        await client.aclose()
    return "ok"


async def readyz(request: web.Request) -> web.Response:
    app = request.app
    checks: dict[str, Any] = {}
    probes = {"database": _database(app)}
    redis_url = app[keys.SETTINGS].redis_url
    if redis_url:
        probes["redis"] = _redis(redis_url)
    for name, probe in probes.items():
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_S):
                checks[name] = await probe
        except Exception as exc:  # any failure is "not ready", with the reason
            checks[name] = f"error: {type(exc).__name__}: {exc}"[:300]
    # Traffic before the warm-up ends would meet a process building its tables, the collector's pass after it
    # included (hundreds of ms on the loop): a load balancer waits for this instead.
    checks["warm_up"] = "ok" if warm_up.done() else "warming"
    checks["routing"] = "ok" if app[keys.ROUTING].running else "stopped"
    checks["delivery"] = "ok" if app[keys.DELIVERY].running else "stopped"
    if keys.EMAIL in app:
        email = app[keys.EMAIL]
        checks["smtp"] = "ok" if email.smtp.listening else "not listening"
        for poller in email.pollers:
            if not email.leaderships[poller.mailbox.name].leading:
                checks[f"imap:{poller.mailbox.name}"] = "standby"  # another process polls it
            else:
                checks[f"imap:{poller.mailbox.name}"] = "ok" if poller.connected.is_set() else "not connected"
    ready = all(v in ("ok", "standby") for v in checks.values())
    return web.json_response({"status": "ok" if ready else "not ready", **checks}, status=200 if ready else 503)
