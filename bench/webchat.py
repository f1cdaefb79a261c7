"""Web chat throughput and latency: many visitors, each typing at a person's pace; an agent console socket receives.

Starts `hub serve` in its own process (stopped however the run ends) on a fresh SQLite database (or
HUB_DATABASE_URL), connects one logged-in agent socket and enough visitor sockets over loopback that each visitor
sends at --pace messages a minute (well within the hub's per-visitor limit, as real customers are), paces all
messages at --rate, and measures from the visitor's send to the agent console's receipt. A message the hub refuses
counts as refused and lost. Durable by default (commits synced); --unsafe shows the cost. Prints one JSON object
on its last line, with the durability settings of the run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `python bench/webchat.py`: the project root

import socketio

from bench._services import add_unsafe, database_url, durability, free_port, hub_env, start_hub, stop
from hub.agents.accounts import create_agent, create_session
from hub.bus import EventBus
from hub.channels.webchat.visitor import MESSAGES_PER_MINUTE
from hub.db.engine import Database
from hub.db.migrate import upgrade_async

# Every simulated visitor comes from this machine: web chat's limit on new conversations per client address and
# per widget origin (a defence against one abuser) is not what is measured. (0: no limit.)
CONNECTS_AT_ONCE = 50  # visitors connect in waves: a thousand handshakes at once would only measure the backlog
UNLIMITED_CHATS = {"HUB_WEBCHAT_NEW_CONVERSATIONS_PER_ADDRESS": "0", "HUB_WEBCHAT_NEW_CONVERSATIONS_PER_ORIGIN": "0"}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def agent_session(url: str) -> str:
    await upgrade_async(url)
    db = Database(url, EventBus())
    try:
        async with db.write() as uow:
            agent = await create_agent(
                uow.session, email="bench@example.test", display_name="bench", role="agent", password="bench-password"
            )
            token, _ = await create_session(uow.session, agent, timedelta(hours=1))
    finally:
        await db.dispose()
    return token


async def run(visitors: int, rate: float, seconds: float, database_url: str, unsafe: bool = False) -> dict[str, Any]:
    token = await agent_session(database_url)
    settings = await durability(database_url, unsafe)
    port = free_port()
    env = {**os.environ, "HUB_DATABASE_URL": database_url, "HUB_HTTP_PORT": str(port), **UNLIMITED_CHATS,
           **hub_env(unsafe)}  # fmt: skip
    proc, base = await start_hub(env)  # ready before it returns; stopped if it never gets there
    sent_at: dict[str, float] = {}
    delivered: dict[str, float] = {}
    acked: dict[str, float] = {}
    refused: list[str] = []
    total = int(rate * seconds)
    all_in = asyncio.Event()
    try:
        agent = socketio.AsyncClient(reconnection=False)

        def heard(event: dict[str, Any]) -> None:
            key = event["interaction"]["text"]
            if key in sent_at and key not in delivered:
                delivered[key] = time.perf_counter()
                if len(delivered) == total:
                    all_in.set()

        @agent.on("message", namespace="/agent")  # type: ignore[untyped-decorator]
        async def on_message(event: dict[str, Any]) -> None:
            heard(event)

        @agent.on("batch", namespace="/agent")  # type: ignore[untyped-decorator]
        async def on_batch(events: list[tuple[str, dict[str, Any]]]) -> None:
            # The console's feed sends events that come close together as one batch ([[name, payload], ...]).
            for name, event in events:
                if name == "message":
                    heard(event)

        await agent.connect(
            base,
            namespaces=["/agent"],
            headers={"Cookie": f"hub_session={token}"},
            transports=["websocket"],
            wait_timeout=10,
        )
        clients = [socketio.AsyncClient(reconnection=False) for _ in range(visitors)]
        for first in range(0, visitors, CONNECTS_AT_ONCE):
            await asyncio.gather(
                *(
                    c.connect(base, namespaces=["/visitor"], transports=["websocket"], wait_timeout=30)
                    for c in clients[first : first + CONNECTS_AT_ONCE]
                )
            )
        # Each visitor first opens its conversation (not measured): the measured messages are those of chats under
        # way, as on a live site, where a conversation's first message is one of many.
        opened = await asyncio.gather(
            *(c.call("message", {"text": "hello"}, namespace="/visitor", timeout=60) for c in clients),
            return_exceptions=True,
        )
        refused.extend("opening" for ack in opened if not (isinstance(ack, dict) and ack.get("ok")))
        start = time.perf_counter()
        for i in range(total):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            key = f"bench-{i}"
            sent_at[key] = time.perf_counter()

            def on_ack(ack: dict[str, Any], key: str = key) -> None:
                if ack.get("ok"):
                    acked[key] = time.perf_counter()
                else:
                    refused.append(key)

            await clients[i % visitors].emit("message", {"text": key}, namespace="/visitor", callback=on_ack)
        send_done = time.perf_counter()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_in.wait(), timeout=10)
        elapsed = max(delivered.values(), default=send_done) - start
        await asyncio.gather(*(c.disconnect() for c in clients))
        await agent.disconnect()
    finally:
        await stop(proc)  # SIGTERM, then its whole process group killed if it does not exit in time
    latencies = [(delivered[k] - sent_at[k]) * 1000 for k in delivered]
    acks = [(acked[k] - sent_at[k]) * 1000 for k in acked]
    return {
        "bench": "webchat",
        "database": database_url.split(":")[0],
        **settings,
        "visitors": visitors,
        "target_rate_per_s": rate,
        "messages": total,
        "messages_per_s": round(len(delivered) / elapsed, 1) if elapsed > 0 else 0.0,
        "delivery_p50_ms": round(percentile(latencies, 0.50), 1),
        "delivery_p99_ms": round(percentile(latencies, 0.99), 1),
        "delivery_mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
        "ack_p99_ms": round(percentile(acks, 0.99), 1),
        "refused": len(refused),
        "lost": total - len(delivered),
    }


def visitors_for(rate: float, pace: float) -> int:
    """As many visitors as it takes for `rate` messages a second when each sends `pace` a minute."""
    return max(1, math.ceil(rate * 60 / pace))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--quick", action="store_true", help="a few seconds at 100 messages/s")
    p.add_argument("--rate", type=float, default=250.0, help="messages per second across all visitors")
    p.add_argument("--pace", type=float, default=12.0, help="messages a minute per visitor (a person: a few)")
    p.add_argument("--seconds", type=float, default=10.0)
    add_unsafe(p)
    args = p.parse_args()
    if args.quick:
        args.rate, args.seconds = 100.0, 3.0
    if args.pace > MESSAGES_PER_MINUTE:
        p.error(f"--pace above the hub's per-visitor limit ({MESSAGES_PER_MINUTE} a minute) measures refusals")
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url(Path(tmp))
        result = asyncio.run(run(visitors_for(args.rate, args.pace), args.rate, args.seconds, url, args.unsafe))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
