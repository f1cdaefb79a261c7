"""A compressed contact-centre day against several `hub serve` processes on PostgreSQL + Redis.

Needs PostgreSQL (THE DATABASE IS EMPTIED) and Redis: HUB_DATABASE_URL and HUB_REDIS_URL, else those of
`scripts/test-services.sh start` (bench/_services.py names them; that PostgreSQL runs with fsync off, and the JSON
says so: "durable": false). Run from a checkout as `python bench/day.py --quick`; pytest is not needed. Agents keep a
console open on one process each (so they are available), and a desk works for them: it accepts their
offers, answers and solves their tickets after a short handling time. Customers of every tier write by
web chat, e-mail (SMTP), SMS (signed Twilio webhooks) and WeChat (signed pushes), spread over the processes.
Full run: 80,000 contacts at 200/s (about 7 minutes) with 200 agents, for a machine of a large centre's
size; two cores sustain about 15/s (`--rate 15`: about 90 minutes). --quick: 300 at 20/s, 30 agents.
Each sender behaves as the real one: it waits as long as it would (Twilio 15 s, WeChat 5 s, a mail server
and the chat widget 30 s here) and tries again only if the real one does (WeChat three more times with the same
MsgId, a mail server and the widget twice more with the same Message-ID or client id; Twilio never resends a
timed-out SMS webhook). A contact not stored after its sender's last try is lost, acknowledged or not.
Prints one JSON object last: contacts/s, ack p50/p99 per path, memory growth per process, lost (by path, and
those acknowledged yet not stored) and duplicate counts (must be 0), failed tries, contacts offered and stored,
the share of each tier's tickets offered or assigned within 20 s, the database's durability settings, and the
day's CPU per contact by process (`cpu_ms_per_contact`: the hubs, this generator, PostgreSQL's backends when on this
machine; bench/day_cost.py), and each hub's RSS every few seconds through the day with the contacts acknowledged by
then (`rss_mb_series`; `rss_growth_halves_mb`: the first and second half of the sending). --trace DIR runs the first
hub under tracemalloc from the first contact to the end and prints what its heap kept from the day, by line;
--census DIR instead counts what each hub holds, untraced, at the first contact, a third of the way and the end
(objects by type, tasks, large containers by holder, the allocator's heap: `census`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `python bench/day.py`: the project root

import aiohttp
import aiosmtplib
from sqlalchemy import select

from bench._services import (
    Process,
    add_unsafe,
    durability,
    free_port,
    hub_env,
    postgres_url,
    redis_url,
    start_hub,
    stop,
)
from bench.console import Consoles
from bench.day_cost import (
    CpuMeter,
    MemorySeries,
    census_command,
    census_growth,
    heap_growth,
    rss_kb,
    snapshot,
    traced_command,
    trimmed,
)
from bench.day_desk import TIERS, Desk, config, prepare
from bench.webchat import UNLIMITED_CHATS, percentile
from hub.bus import EventBus
from hub.db.engine import Database
from hub.db.models import AuditEntry, Customer, Interaction, Ticket
from tests.processes import spawn, wait_healthy
from tests.sockets import visitor
from tests.twilio_kit import post_signed, sms_params
from tests.wechat_kit import plain_push, text_xml

MIX = (("webchat", 0.35), ("email", 0.30), ("sms", 0.20), ("wechat", 0.15))
SLA_S = 20
# How each real sender waits for an acknowledgement and how often it tries in all (see the docstring).
TIMEOUT_S = {"webchat": 30.0, "email": 30.0, "sms": 15.0, "wechat": 5.0}
TRIES = {"webchat": 3, "email": 3, "sms": 1, "wechat": 4}
CHAT_KEY = re.compile(r"(day\d+):")  # a stored chat message's external id holds the widget's client id
CENSUS_STEPS = 3  # --census: at the first contact, a third of the way, the end


async def run(
    contacts: int,
    rate: float,
    agents: int,
    processes: int,
    url: str,
    redis: str,
    unsafe: bool = False,
    trace: Path | None = None,
    census: Path | None = None,
) -> dict[str, Any]:
    people, sessions = await prepare(url, agents, max(50, contacts // 4))
    settings = await durability(url, unsafe)
    tmp = Path(tempfile.mkdtemp())
    procs: list[Process] = []
    hubs: list[str] = []
    smtp: list[int] = []
    try:  # the hubs stop however the day ends
        for _ in range(processes):
            port = free_port()
            env = {
                **os.environ,
                "HUB_DATABASE_URL": url,
                "HUB_REDIS_URL": redis,
                "HUB_HTTP_PORT": str(free_port()),
                "HUB_SMTP_PORT": str(port),
                "HUB_CONFIG": str(config(tmp)),
                **UNLIMITED_CHATS,
                **hub_env(unsafe),
            }
            if census is not None:  # --census: every hub counts what it holds at each step (bench/_heap_trace.py)
                command = census_command(census / f"hub{len(procs)}")
            elif trace is not None and not procs:  # --trace: the first hub under tracemalloc
                command = traced_command(trace)
            else:
                command = []
            if command:
                proc, hub = await spawn(*command, env=env), f"http://127.0.0.1:{env['HUB_HTTP_PORT']}"
                procs.append(proc)
                await wait_healthy(hub, proc, math.inf)
            else:
                proc, hub = await start_hub(env)  # awaited however long it takes; stopped below whatever happens
                procs.append(proc)
            hubs.append(hub)
            smtp.append(port)
        figures = await day(contacts, rate, url, people, sessions, procs, hubs, smtp, trace, census)
    finally:
        await asyncio.gather(*(stop(proc) for proc in procs))
    return {"bench": "day", "processes": processes, "agents": agents, "contacts": contacts, **settings, **figures}


async def day(
    contacts: int,
    rate: float,
    url: str,
    people: list[tuple[int, str, str]],
    sessions: dict[int, str],
    procs: list[Process],
    hubs: list[str],
    smtp: list[int],
    trace: Path | None = None,
    census: Path | None = None,
) -> dict[str, Any]:
    """The day's traffic against the started hubs, and what it left in the database."""
    processes = len(procs)
    # Agents' consoles: light engine.io clients that answer pings and read events without decoding them (200
    # full socket.io clients, each decoding every event of every queue, starved this process's loop, and the
    # hubs, rightly, closed the sockets that stopped answering pings).
    console_http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    consoles = [Consoles(hub, {}, accept_offers=False) for hub in hubs]
    for n, token in enumerate(sessions.values()):
        await consoles[n % processes].open(console_http, "agent", token, "")
    # Enough chat visitors that none meets the per-visitor limit (30 messages a minute).
    chats = [await visitor(hubs[n % processes]) for n in range(min(500, max(50, contacts // 100)))]
    for chat in chats:
        await chat.next("session")

    async def count(step: int) -> None:
        """--census: each hub counts what it holds (they stall a few seconds; the day goes on meanwhile)."""
        if census is not None:
            await asyncio.gather(*(snapshot(p.pid, census / f"hub{i}", step) for i, p in enumerate(procs)))

    await count(1)
    rss_start = [rss_kb(p.pid) for p in procs]
    meter = CpuMeter(url, [p.pid for p in procs])
    await meter.start()
    if trace is not None:
        await snapshot(procs[0].pid, trace, 1)
    desk = Desk(url, hubs, sessions, handle_s=1.0)
    desk_task = asyncio.create_task(desk.run())
    rng = random.Random(9)
    acks: dict[str, list[float]] = defaultdict(list)
    acked: dict[str, set[str]] = defaultdict(set)
    offered: dict[str, set[str]] = defaultdict(set)
    failed_tries = 0
    memory = MemorySeries([p.pid for p in procs], lambda: sum(len(v) for v in acked.values()))

    async def attempt(path: str, n: int, cid: int, openid: str, hub: int) -> str | None:
        """One try of the contact's sender; its key when acknowledged, None when refused."""
        timeout = TIMEOUT_S[path]
        if path == "webchat":
            ack = await chats[n % len(chats)].call("message", {"text": f"chat {n}", "client_id": f"day{n}"}, timeout)
            if not ack.get("ok") and os.environ.get("DAY_DEBUG"):
                print(ack, file=sys.stderr)
            return f"day{n}" if ack.get("ok") else None
        if path == "email":
            mail = f"From: c{cid}@day.test\r\nTo: support@hub.test\r\nSubject: day {n}\r\n"
            mail += f"Message-ID: <day-{n}@x>\r\n\r\nhi\r\n"
            await aiosmtplib.send(
                mail.encode(),
                sender=f"c{cid}@day.test",
                recipients=["support@hub.test"],
                hostname="127.0.0.1",
                port=smtp[hub],
                timeout=timeout,
            )
            return f"<day-{n}@x>"
        if path == "sms":
            sid = f"SM{n:032x}"
            status, _ = await post_signed(
                f"{hubs[hub]}/webhooks/twilio/sms",
                sms_params(f"sms {n}", message_sid=sid, sender=f"+861380{cid:07d}"),
                timeout=timeout,
            )
            return sid if status == 200 else None
        query, body = plain_push(text_xml(f"微信 {n}", openid=openid, msg_id=10**9 + n))
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http,
            http.post(f"{hubs[hub]}/webhooks/wechat/main?{query}", data=body) as r,
        ):
            return str(10**9 + n) if r.status == 200 else None

    async def one(n: int) -> None:
        nonlocal failed_tries
        path = rng.choices([c for c, _ in MIX], [w for _, w in MIX])[0]
        offered[path].add(
            {"webchat": f"day{n}", "email": f"<day-{n}@x>", "sms": f"SM{n:032x}", "wechat": str(10**9 + n)}[path]
        )
        cid, _tier, openid = rng.choice(people)
        for _ in range(TRIES[path]):  # the same contact again (same id), as the real sender retries it
            t0 = time.perf_counter()
            try:
                key = await attempt(path, n, cid, openid, n % processes)
            except Exception as exc:
                key = None
                if os.environ.get("DAY_DEBUG"):
                    print(path, type(exc).__name__, str(exc)[:100], file=sys.stderr)
            if key is not None:
                acks[path].append((time.perf_counter() - t0) * 1000)
                acked[path].add(key)
                return
            failed_tries += 1
            await asyncio.sleep(1)

    start = time.perf_counter()
    memory.start()
    tasks = []
    for n in range(contacts):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(n)))
        if n == contacts // 3:
            tasks.append(asyncio.create_task(count(2)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    rss_mid = [rss_kb(p.pid) for p in procs]  # the sending's end; its middle is read from the series
    await asyncio.sleep(SLA_S)  # let routing and the desk catch up before measuring service levels
    rss_end = [rss_kb(p.pid) for p in procs]
    memory.stop()
    cpu = await meter.stop(contacts)
    await count(CENSUS_STEPS)
    counted = {}
    if census is not None:  # what each hub holds, and how much of its RSS is the allocator's free memory
        for i, proc in enumerate(procs):
            counted[f"hub{i}"] = census_growth(census / f"hub{i}", CENSUS_STEPS) | {
                "trim": await trimmed(proc.pid, census / f"hub{i}")
            }
    traced = {}
    if trace is not None:
        await snapshot(procs[0].pid, trace, 2)
        traced = heap_growth(trace)
    desk_task.cancel()
    db = Database(url, EventBus())
    try:
        async with db.read() as s:
            stored: dict[str, list[str]] = {}
            for path, channel, column in (
                ("webchat", "webchat", Interaction.external_id),
                ("email", "email", Interaction.external_id),
                ("sms", "sms.twilio", Interaction.external_id),
                ("wechat", "wechat", Interaction.external_id),
            ):
                stored[path] = [
                    str(v)
                    for v in await s.scalars(
                        select(column).where(Interaction.channel == channel, Interaction.direction == "inbound")
                    )
                ]
            first: dict[int, Any] = {}
            for target, at in (
                await s.execute(
                    select(AuditEntry.target_id, AuditEntry.at)
                    .where(AuditEntry.action.in_(("ticket.offered", "ticket.assigned")))
                    .order_by(AuditEntry.id)
                )
            ).all():
                if target is not None:
                    first.setdefault(target, at)
            tickets = (
                await s.execute(
                    select(Ticket.id, Ticket.created_at, Customer.tier).join(
                        Customer, Customer.id == Ticket.customer_id
                    )
                )
            ).all()
    finally:
        await db.dispose()
        await desk.close()
        for console in consoles:
            for task in console.tasks:
                task.cancel()
        await console_http.close()
        for c in chats:
            await c.close()
    service: dict[str, dict[str, float | None]] = {}
    for tier, _ in TIERS:
        mine = [t for t in tickets if t.tier == tier]
        quick = [t for t in mine if t.id in first and (first[t.id] - t.created_at).total_seconds() <= SLA_S]
        service[tier] = {"tickets": len(mine), f"within_{SLA_S}s": round(len(quick) / len(mine), 3) if mine else None}
    # Chat messages are stored under the visitor's key and the widget's client id: the contact's key is the latter.
    stored["webchat"] = [m.group(1) for v in stored["webchat"] if (m := CHAT_KEY.search(v))]
    # Lost: not stored after the sender's last try (an SMS whose one webhook timed out is lost, acknowledged or not).
    lost = {p: len(offered[p] - set(stored[p])) for p in offered}
    duplicates = sum(len(v) - len(set(v)) for v in stored.values())
    return {
        "failed_tries": failed_tries,
        "contacts_per_s": round(sum(len(v) for v in acked.values()) / elapsed, 1),
        "ack_ms": {
            p: {"p50": round(percentile(v, 0.5), 1), "p99": round(percentile(v, 0.99), 1)} for p, v in acks.items()
        },
        "rss_growth_mb": [round((b - a) / 1024, 1) for a, b in zip(rss_start, rss_end, strict=True)],
        "rss_growth_halves_mb": memory.halves(rss_start, rss_mid, elapsed),
        "rss_mb_series": memory.series(),
        "rss_growth_percent": [
            round(100 * (b - a) / a, 1) if a else None for a, b in zip(rss_start, rss_end, strict=True)
        ],
        "lost": sum(lost.values()),
        "lost_by_path": lost,
        "lost_acknowledged": sum(len(acked[p] - set(stored[p])) for p in acked),  # the hub's promise broken
        "not_acknowledged": sum(len(offered[p] - acked[p]) for p in offered),  # stored or not
        "stored": sum(len(set(v)) for v in stored.values()),
        "offered": sum(len(v) for v in offered.values()),
        "duplicates": duplicates,
        "service_level": service,
        # The day's CPU (from its first contact until the desk caught up) per contact offered, by process.
        "cpu_ms_per_contact": cpu,
        **traced,
        **({"census": counted} if counted else {}),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--quick", action="store_true", help="300 contacts at 20/s, 30 agents")
    p.add_argument("--contacts", type=int, default=80_000)
    p.add_argument("--rate", type=float, default=200.0)
    p.add_argument("--agents", type=int, default=200)
    p.add_argument("--processes", type=int, default=2)
    p.add_argument("--trace", type=Path, help="the first hub under tracemalloc: what its heap kept from the day")
    p.add_argument("--census", type=Path, help="every hub counts what it holds at 3 points of the day, untraced")
    add_unsafe(p)
    args = p.parse_args()
    if args.quick:
        args.contacts, args.rate, args.agents = 300, 20.0, 30
    url, redis = postgres_url(), redis_url()
    if not url.startswith("postgresql"):
        sys.exit("bench/day.py needs PostgreSQL (HUB_DATABASE_URL)")
    result = asyncio.run(
        run(args.contacts, args.rate, args.agents, args.processes, url, redis, args.unsafe, args.trace, args.census)
    )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
