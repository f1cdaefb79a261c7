"""Sign-in under attack: /healthz and chat acknowledgements while 15 clients keep sending wrong passwords.

Starts `hub serve` on a fresh SQLite database (or HUB_DATABASE_URL) behind a "proxy" on loopback
(HUB_TRUSTED_PROXIES=127.0.0.1), so every attacking request can come from a new address for a new account:
no counter refuses it and each one costs a password check, the worst case for the event loop. Measures
/healthz and a web chat visitor's message acknowledgement, idle and then under attack. Prints one JSON
object on its last line (p50/p99 in ms, refused_429, checked_401, the durability settings of the run; durable by
default, --unsafe: commits not synced).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `python bench/login.py`: the project root

import aiohttp
import socketio

from bench._services import add_unsafe, database_url, durability, free_port, hub_env, start_hub, stop
from hub.agents.accounts import create_agent
from hub.bus import EventBus
from hub.db.engine import Database
from hub.db.migrate import upgrade_async

PROBE_INTERVAL_S = 0.05
CHAT_INTERVAL_S = 0.2
VISITORS = 15  # web chat allows a visitor 30 messages a minute: the probes take turns


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


async def seed(url: str) -> None:
    await upgrade_async(url)
    db = Database(url, EventBus())
    try:
        async with db.write() as uow:
            await create_agent(
                uow.session, email="lin@bench.test", display_name="Lin", role="agent", password="bench-password"
            )
    finally:
        await db.dispose()


async def probe_health(http: aiohttp.ClientSession, base: str, until: float) -> list[float]:
    took: list[float] = []
    while time.monotonic() < until:
        start = time.perf_counter()
        async with http.get(f"{base}/healthz") as r:
            await r.read()
        took.append((time.perf_counter() - start) * 1000)
        await asyncio.sleep(PROBE_INTERVAL_S)
    return took


async def say(visitor: socketio.AsyncClient, text: str) -> float:
    start = time.perf_counter()
    ack = await visitor.call("message", {"text": text}, namespace="/visitor", timeout=30)
    if not (isinstance(ack, dict) and ack.get("ok")):
        raise RuntimeError(f"chat message not acknowledged: {ack!r}")
    return (time.perf_counter() - start) * 1000


async def probe_chat(visitors: list[socketio.AsyncClient], until: float) -> list[float]:
    took: list[float] = []
    for i in itertools.count():
        if time.monotonic() >= until:
            return took
        took.append(await say(visitors[i % len(visitors)], f"bench-{i}"))
        await asyncio.sleep(CHAT_INTERVAL_S)
    return took


async def attacker(http: aiohttp.ClientSession, base: str, until: float, n: int, statuses: Counter[int]) -> None:
    for i in itertools.count():
        if time.monotonic() >= until:
            return
        address = f"10.{n}.{(i >> 8) & 255}.{i & 255}"
        form = {"email": f"guess{n}-{i}@bench.test", "password": "not-the-password"}
        async with http.post(
            f"{base}/login", data=form, headers={"X-Forwarded-For": address}, allow_redirects=False
        ) as r:
            await r.read()
            statuses[r.status] += 1


async def phase(base: str, seconds: float, attackers: int, first_visitor: int) -> dict[str, Any]:
    statuses: Counter[int] = Counter()
    visitors = [socketio.AsyncClient(reconnection=False) for _ in range(VISITORS)]
    try:
        for n, visitor in enumerate(visitors, start=first_visitor):
            # Each visitor from an address of its own (through the trusted "proxy"), as real ones are: one
            # address may start only so many new conversations (web chat's new_conversations_per_address).
            address = {"X-Forwarded-For": f"192.0.2.{n}"}
            await visitor.connect(
                base, namespaces=["/visitor"], transports=["websocket"], headers=address, wait_timeout=10
            )
            await say(visitor, "hello")  # its conversation exists before anything is measured
        until = time.monotonic() + seconds
        async with aiohttp.ClientSession() as probe, aiohttp.ClientSession() as attack:
            health, chat, *_ = await asyncio.gather(
                probe_health(probe, base, until),
                probe_chat(visitors, until),
                *(attacker(attack, base, until, n, statuses) for n in range(attackers)),
            )
    finally:
        for visitor in visitors:
            await visitor.disconnect()
    return {"health": health, "chat": chat, "statuses": statuses}


async def run(seconds: float, attackers: int, database_url: str, unsafe: bool = False) -> dict[str, Any]:
    await seed(database_url)
    settings = await durability(database_url, unsafe)
    env = {**os.environ, "HUB_DATABASE_URL": database_url, "HUB_TRUSTED_PROXIES": "127.0.0.1",
           "HUB_HTTP_PORT": str(free_port()), **hub_env(unsafe)}  # fmt: skip
    proc, base = await start_hub(env)  # awaited however long it takes; its process group stopped below
    try:
        idle = await phase(base, seconds, 0, first_visitor=1)
        attacked = await phase(base, seconds, attackers, first_visitor=1 + VISITORS)
    finally:
        await stop(proc)
    statuses = attacked["statuses"]
    return {
        "bench": "login",
        "database": database_url.split(":")[0],
        **settings,
        "attackers": attackers,
        "seconds": seconds,
        "healthz_idle_p50_ms": round(percentile(idle["health"], 0.5), 1),
        "healthz_idle_p99_ms": round(percentile(idle["health"], 0.99), 1),
        "healthz_under_attack_p50_ms": round(percentile(attacked["health"], 0.5), 1),
        "healthz_under_attack_p99_ms": round(percentile(attacked["health"], 0.99), 1),
        "chat_ack_idle_p50_ms": round(percentile(idle["chat"], 0.5), 1),
        "chat_ack_idle_p99_ms": round(percentile(idle["chat"], 0.99), 1),
        "chat_ack_under_attack_p50_ms": round(percentile(attacked["chat"], 0.5), 1),
        "chat_ack_under_attack_p99_ms": round(percentile(attacked["chat"], 0.99), 1),
        "checked_401": statuses.get(401, 0),
        "refused_429": statuses.get(429, 0),
        "other_statuses": {str(k): v for k, v in statuses.items() if k not in (401, 429)},
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--quick", action="store_true", help="3 s idle, 3 s under attack")
    p.add_argument("--seconds", type=float, default=15.0, help="per phase")
    p.add_argument("--attackers", type=int, default=15)
    add_unsafe(p)
    args = p.parse_args()
    if args.quick:
        args.seconds = 3.0
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url(Path(tmp), "hub.db")
        with contextlib.suppress(KeyboardInterrupt):
            result = asyncio.run(run(args.seconds, args.attackers, url, args.unsafe))
            print(json.dumps(result))


if __name__ == "__main__":
    main()
