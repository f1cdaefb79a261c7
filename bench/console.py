"""Console fan-out: 2,000 agent sockets and 50 supervisors on one hub process, customers chatting at a
steady rate with bursts; measures delivery from a customer's send to each console that must hear it.
The visitors' conversations are opened (and routed) before the measured traffic starts.

Starts `hub serve` on a fresh SQLite database (or HUB_DATABASE_URL) with agents spread over the queues
(the chats arrive in one of them, so most agents must hear nothing: fan-out is O(subscribers of what
changed)). Console sockets speak engine.io directly over aiohttp websockets, so the load generator stays
light. Durable by default (commits synced); --unsafe shows the cost. Prints one JSON object on its last line:
delivery p50/p99, server memory (RSS, peak) and CPU, and the durability settings of the run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `python bench/console.py`: the project root

import aiohttp
import socketio
from sqlalchemy import select

from bench._services import add_unsafe, database_url, durability, free_port, hub_env, start_hub, stop
from bench.webchat import UNLIMITED_CHATS
from hub.agents.accounts import create_session, hash_password
from hub.bus import EventBus
from hub.db.engine import Database
from hub.db.migrate import upgrade_async
from hub.db.models import Agent, ConsoleSession, Queue, QueueMember

OFFERED = re.compile(r"\"offer\",\s*\{\"ticket\":\s*\{\"id\":\s*(\d+)")
MARK = re.compile(r"\"text\":\s*\"bench-(\d+)-")  # the interaction's text (the ticket's subject is older)
# The event's id, after its interaction in the payload: microseconds since the epoch when it entered the feed
# (hub/agent_console/feed.py), so a trace splits a delivery into before the feed and after it.
EID = re.compile(r"\"eid\":\s*(\d+)")
CHAT_QUEUE = "general"
# engine.io's tasks let a closed socket go within a ping interval (25 s); the hub thaws and collects 45 s after
# the close (hub/ops/collector.py).
LET_GO_S = 60


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


async def seed(url: str, agents: int, supervisors: int, hearing: int) -> list[tuple[str, str, str]]:
    """Agents (the first `hearing` in the chat queue, the rest in the others) and supervisors, signed in."""
    await upgrade_async(url)
    db = Database(url, EventBus())
    password = hash_password("bench-password")  # once: hashing 2,000 times would be the whole benchmark
    tokens: list[tuple[str, str, str]] = []  # role, session token, CSRF token
    try:
        async with db.write() as uow:
            s = uow.session
            for name in ("general", "billing", "vip"):
                if await s.scalar(select(Queue.id).where(Queue.name == name)) is None:
                    s.add(Queue(name=name, display_name=name))
            await s.flush()
            queues = dict((await s.execute(select(Queue.name, Queue.id))).all())
            others = [q for n, q in queues.items() if n != CHAT_QUEUE]
            people = [Agent(email=f"a{i}@bench.test", display_name=f"a{i}", role="agent", password_hash=password,
                            capacity={"webchat": 3}) for i in range(agents)]  # fmt: skip
            people += [Agent(email=f"s{i}@bench.test", display_name=f"s{i}", role="supervisor",
                             password_hash=password) for i in range(supervisors)]  # fmt: skip
            s.add_all(people)
            await s.flush()
            for i, agent in enumerate(people[:agents]):
                queue = queues[CHAT_QUEUE] if i < hearing else others[i % len(others)]
                s.add(QueueMember(queue_id=queue, agent_id=agent.id))
            for agent in people:
                token, _ = await create_session(s, agent, timedelta(hours=2))
                csrf = await s.scalar(select(ConsoleSession.csrf_token).where(ConsoleSession.agent_id == agent.id))
                tokens.append((agent.role, token, str(csrf)))
    finally:
        await db.dispose()
    return tokens


class Consoles:
    """Console sockets that speak engine.io v4 / socket.io v5 themselves: a text frame per event."""

    def __init__(self, base: str, sent: dict[int, float], accept_offers: bool = True) -> None:
        self.base = base
        self.accept_offers = accept_offers
        self.ws_url = base.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"
        self.sent = sent
        self.latency: dict[str, list[float]] = {"agent": [], "supervisor": []}
        self.events: Counter[str] = Counter()
        self.connected = 0
        self.expected = 0
        self.all_connected = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []
        # (message, sent, received, in a batch, entered the feed: seconds after it was sent, from the event's id)
        self.trace: list[tuple[int, float, float, bool, float]] | None = None
        self.sent_wall: dict[int, float] = {}
        # Frames each socket got in each second of the run (role, second) -> count: what the feed's window bounds.
        self.frames: list[tuple[str, Counter[int]]] = []
        self.sockets: list[aiohttp.ClientWebSocketResponse] = []

    async def open_all(self, http: aiohttp.ClientSession, tokens: list[tuple[str, str, str]]) -> None:
        self.expected, self.connected, self.all_connected = len(tokens), 0, asyncio.Event()
        for i in range(0, len(tokens), 100):
            await asyncio.gather(*(self.open(http, *who) for who in tokens[i : i + 100]))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(120):
                await self.all_connected.wait()

    async def close_all(self) -> None:
        await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)
        for task in self.tasks:
            task.cancel()
        self.sockets, self.tasks = [], []

    async def open(self, http: aiohttp.ClientSession, role: str, token: str, csrf: str) -> None:
        ws = await http.ws_connect(self.ws_url, headers={"Cookie": f"hub_session={token}"}, heartbeat=None)
        await ws.receive()  # engine.io open packet
        await ws.send_str("40/agent,")
        self.sockets.append(ws)
        self.tasks.append(asyncio.create_task(self._listen(ws, role, http, {"Cookie": f"hub_session={token}",
                                                                               "X-CSRF-Token": csrf})))  # fmt: skip

    async def _accept(self, http: aiohttp.ClientSession, ticket_id: int, headers: dict[str, str]) -> None:
        """An agent at their desk accepts what they are offered (else each offer would time out and be routed
        again, which is routing's load, not the console's)."""
        url = f"{self.base}/api/v1/tickets/{ticket_id}/offer"
        with contextlib.suppress(aiohttp.ClientError):
            async with http.post(url, json={"accept": True}, headers=headers) as r:
                self.events[f"accept:{r.status}"] += 1

    async def _listen(
        self, ws: aiohttp.ClientWebSocketResponse, role: str, http: aiohttp.ClientSession, headers: dict[str, str]
    ) -> None:
        heard: set[int] = set()  # a batch may bring an event this socket already had through another room
        per_second: Counter[int] = Counter()
        self.frames.append((role, per_second))
        async for frame in ws:
            data = frame.data
            if data == "2":
                await ws.send_str("3")  # pong
            elif data.startswith("40/agent"):
                self.connected += 1
                if self.connected >= self.expected:
                    self.all_connected.set()
            elif data.startswith("42/agent,"):
                name = data[11 : data.index('"', 11)]
                per_second[int(time.perf_counter())] += 1
                self.events[f"{role}:{name}"] += 1
                for offered in OFFERED.finditer(data) if self.accept_offers and name in ("offer", "batch") else ():
                    self.tasks.append(asyncio.create_task(self._accept(http, int(offered.group(1)), headers)))
                if name in ("message", "batch"):
                    now = time.perf_counter()
                    for found in MARK.finditer(data):
                        n = int(found.group(1))
                        if n in self.sent and n not in heard:
                            heard.add(n)
                            self.latency[role].append((now - self.sent[n]) * 1000)
                            if self.trace is not None:
                                eid = EID.search(data, found.end())
                                fed = int(eid.group(1)) / 1e6 - self.sent_wall[n] if eid else float("nan")
                                self.trace.append((n, self.sent[n], now, name == "batch", fed))


def frame_rates(frames: list[tuple[str, Counter[int]]], start: float, end: float) -> dict[str, dict[str, float]]:
    """Per role, the busiest socket's frames a second over the traffic (mean) and in its busiest second (peak)."""
    seconds = range(int(start) + 1, int(end))  # whole seconds only
    rates: dict[str, dict[str, float]] = {}
    for role in ("agent", "supervisor"):
        counts = [[c[t] for t in seconds] for r, c in frames if r == role]
        if counts and seconds:
            rates[role] = {"mean": round(max(sum(c) / len(seconds) for c in counts), 1),
                           "peak": max(max(c) for c in counts)}  # fmt: skip
    return rates


def record_pauses(pauses: list[tuple[float, int, float]]) -> None:
    """Each collection of this process as (end, generation, ms): the load generator pauses too."""
    began = [0.0]

    def callback(phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        if phase == "start":
            began[0] = now
        else:
            pauses.append((now, info["generation"], (now - began[0]) * 1000))

    gc.callbacks.append(callback)


def freeze_survivors(phase: str, info: dict[str, int]) -> None:
    """The load generator's 2,050 sockets would cost it the same ~200 ms full passes as the hub's (its own pauses
    then counted as delivery time): what survives a full pass is frozen, as the hub does (`hub/ops/collector.py`).
    The generator lives for one run, so the garbage frozen meanwhile does not matter."""
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()


async def reconnect_rounds(
    consoles: Consoles, http: aiohttp.ClientSession, tokens: list[tuple[str, str, str]], pid: int, rounds: int
) -> list[float]:
    """Every console closes and connects again, `rounds` times: the hub's RSS after each round, then once more
    when the last round's closed sockets are surely let go and collected (a minute later)."""
    rss = []
    for _ in range(rounds):
        await consoles.close_all()
        await consoles.open_all(http, tokens)
        await asyncio.sleep(5)  # presence settles
        rss.append(round(proc_figures(pid)["rss_mb"], 1))
    await asyncio.sleep(LET_GO_S)
    rss.append(round(proc_figures(pid)["rss_mb"], 1))
    return rss


def proc_figures(pid: int) -> dict[str, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return {"rss_mb": rss, "peak_mb": peak, "cpu_s": cpu}


async def run(args: argparse.Namespace, url: str) -> dict[str, Any]:
    tokens = await seed(url, args.agents, args.supervisors, args.hearing)
    settings = await durability(url, args.unsafe)
    sent: dict[int, float] = {}
    pauses: list[tuple[float, int, float]] = []
    if args.trace:
        record_pauses(pauses)
    env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_LOG_LEVEL": "WARNING", "HUB_HTTP_PORT": str(free_port()),
           **UNLIMITED_CHATS, **hub_env(args.unsafe)}  # fmt: skip
    proc, base = await start_hub(env)  # awaited however long it takes; its process group stopped below
    try:
        consoles = Consoles(base, sent)
        if args.trace:
            consoles.trace = []
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as http:
            t0 = time.perf_counter()
            await consoles.open_all(http, tokens)
            connect_s = time.perf_counter() - t0
            gc.collect()
            gc.freeze()
            gc.callbacks.append(freeze_survivors)
            await asyncio.sleep(2)  # presence settles
            idle = proc_figures(proc.pid)
            visitors = []
            for _ in range(args.visitors):
                v = socketio.AsyncClient(reconnection=False)
                await v.connect(base, namespaces=["/visitor"], transports=["websocket"], wait_timeout=10)
                visitors.append(v)
            # The conversations are open before the measurement (routing a new conversation among 2,000 agents
            # is bench/routing.py's subject): what follows is the traffic of ongoing chats.
            await asyncio.gather(*(v.call("message", {"text": "你好 hello"}, namespace="/visitor", timeout=60)
                                   for v in visitors))  # fmt: skip
            await asyncio.sleep(3)
            acks: list[float] = []
            acked_at: dict[int, float] = {}
            schedule = [(args.rate, args.seconds)]
            for _ in range(args.bursts):
                schedule += [(args.burst_rate, args.burst_seconds), (args.rate, args.seconds / max(1, args.bursts))]
            before, start, n = proc_figures(proc.pid), time.perf_counter(), 0
            client_cpu = time.process_time()
            for rate, seconds in schedule:
                phase, count = time.perf_counter(), int(rate * seconds)
                for i in range(count):
                    delay = phase + i / rate - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    sent[n] = time.perf_counter()
                    consoles.sent_wall[n] = time.time()
                    visitor = visitors[n % len(visitors)]

                    def acked(answer: dict[str, Any], at: float = sent[n], m: int = n) -> None:
                        if answer.get("ok"):
                            acks.append((time.perf_counter() - at) * 1000)
                            acked_at[m] = time.perf_counter()

                    with contextlib.suppress(Exception):
                        text = f"bench-{n}- 我的订单 where is my order"
                        await visitor.emit("message", {"text": text}, namespace="/visitor", callback=acked)
                    n += 1
            sending = time.perf_counter()
            await asyncio.sleep(3)  # the tail arrives
            elapsed = time.perf_counter() - start
            frames = frame_rates(consoles.frames, start, sending)
            client_cpu = time.process_time() - client_cpu
            after = proc_figures(proc.pid)
            for v in visitors:
                await v.disconnect()
            churn = await reconnect_rounds(consoles, http, tokens, proc.pid, args.churn) if args.churn else None
            await consoles.close_all()
    finally:
        await stop(proc)  # SIGTERM, then its whole process group killed, whatever happened above
    if args.trace:
        trace = json.dumps({"deliveries": consoles.trace, "pauses": pauses, "sent": sent, "acked": acked_at})
        await asyncio.to_thread(Path(args.trace).write_text, trace)
    agent_lat, sup_lat = consoles.latency["agent"], consoles.latency["supervisor"]
    every = agent_lat + sup_lat
    expected = n * (args.hearing + args.supervisors)
    return {
        "bench": "console",
        "database": url.split(":")[0],
        **settings,
        "agents": args.agents,
        "supervisors": args.supervisors,
        "agents_in_chat_queue": args.hearing,
        "sockets": consoles.connected,
        "connect_all_s": round(connect_s, 1),
        "messages": n,
        "steady_rate_per_s": args.rate,
        "burst_rate_per_s": args.burst_rate,
        "acked": len(acks),
        "ack_p50_ms": round(percentile(acks, 0.5), 1),
        "ack_p99_ms": round(percentile(acks, 0.99), 1),
        "deliveries": len(every),
        "deliveries_expected": expected,
        "delivery_p50_ms": round(percentile(every, 0.5), 1),
        "delivery_p99_ms": round(percentile(every, 0.99), 1),
        "delivery_max_ms": round(max(every, default=float("nan")), 1),
        "supervisor_p99_ms": round(percentile(sup_lat, 0.99), 1),
        "events_received": dict(consoles.events.most_common()),
        "frames_per_socket_per_s": frames,
        "server_rss_idle_mb": round(idle["rss_mb"], 1),
        "rss_mb": round(after["rss_mb"], 1),  # the hub process
        "server_peak_rss_mb": round(after["peak_mb"], 1),
        "cpu_percent": round(100 * (after["cpu_s"] - before["cpu_s"]) / elapsed, 1),  # the hub, of one core
        "load_generator_cpu_percent": round(100 * client_cpu / elapsed, 1),
        **({"churn_rss_mb": churn} if churn else {}),
        "goal_memory_mb": 150,
        "goal_delivery_p99_ms": 150,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--quick", action="store_true", help="a few seconds: 200 agents, 10 supervisors, one burst")
    p.add_argument("--agents", type=int, default=2000)
    p.add_argument("--supervisors", type=int, default=50)
    p.add_argument("--hearing", type=int, default=50, help="agents in the queue the chats arrive in")
    p.add_argument("--visitors", type=int, default=200)
    p.add_argument("--rate", type=float, default=25.0)
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--burst-rate", type=float, default=250.0)
    p.add_argument("--burst-seconds", type=float, default=2.0)
    p.add_argument("--bursts", type=int, default=3)
    p.add_argument(
        "--trace",
        metavar="FILE",
        help="write each delivery (message, sent, received, batched) and the "
        "load generator's own collector pauses to FILE (JSON) to line them up with the hub's",
    )
    p.add_argument(
        "--churn",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="after the traffic, every console reconnects ROUNDS times: the hub's RSS after each round",
    )
    add_unsafe(p)
    args = p.parse_args()
    if args.quick:
        args.agents, args.supervisors, args.hearing, args.visitors = 200, 10, 20, 40
        args.seconds, args.bursts, args.burst_seconds = 3.0, 1, 1.0
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(run(args, database_url(Path(tmp))))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
