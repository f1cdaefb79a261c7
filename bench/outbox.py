"""The reply outbox drained by 1 and 2 worker processes: N queued replies (20,000; --quick 2,000) sent through a
channel answering after a fixed latency (5 ms), on SQLite and (--postgres URL or HUB_BENCH_POSTGRES_URL) PostgreSQL.

Each worker is its own process running the hub's DeliveryWorker. The replies are written in bulk, made due at
once when every worker is ready, and drained; the figures are jobs per second from then until the last worker
found nothing left, database round trips per job (statements, BEGIN, COMMIT, ROLLBACK and connection resets on
the workers' engines), replies sent twice (duplicates) and replies not sent (lost). Prints one JSON object last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import event, func, insert, select, text, update
from sqlalchemy.engine import make_url

from hub.bus import EventBus
from hub.channels.base import InboundRejected
from hub.channels.registry import ChannelRegistry
from hub.clock import utcnow
from hub.db.engine import Database, create_engine
from hub.db.migrate import upgrade_async
from hub.db.models import INTERACTIONS, TICKETS, Customer, Identity, OutboxItem, Queue
from hub.envelopes import DeliveryReceipt, InboundEnvelope, OutboundMessage
from hub.tickets.delivery import BATCH, DeliveryWorker

CHANNEL = "sms.bench"
PER_TICKET = 5
ROOT = Path(__file__).resolve().parent.parent


class FixedLatencyChannel:
    """The provider at the edge: accepts every message after the same short wait, as a nearby API would."""

    kind = CHANNEL
    identity_kind = "phone"
    capabilities = frozenset({"text"})
    reply_window: timedelta | None = None

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.sent: list[int] = []

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def parse_inbound(self, raw: Any) -> InboundEnvelope:
        raise InboundRejected("outbound_only", "this channel only sends")

    async def send(self, msg: OutboundMessage) -> DeliveryReceipt:
        await asyncio.sleep(self.latency)
        self.sent.append(msg.interaction_id)
        return DeliveryReceipt("sent", external_id=f"bench-{msg.interaction_id}")


async def seed(url: str, jobs: int) -> None:
    """Queued replies (PER_TICKET to a ticket, each ticket its own customer), not due until the start."""
    await upgrade_async(url)
    engine = create_engine(url)
    now, later = utcnow(), utcnow() + timedelta(days=1)
    tickets = -(-jobs // PER_TICKET)
    async with engine.begin() as conn:
        queue = (
            await conn.execute(insert(Queue).values(name="bench", display_name="Bench").returning(Queue.id))
        ).one()[0]
        await conn.execute(insert(Customer), [{"id": n, "display_name": f"C{n}"} for n in range(1, tickets + 1)])
        await conn.execute(insert(Identity), [{"customer_id": n, "kind": "phone", "value": f"+1415{n:07d}"}
                                              for n in range(1, tickets + 1)])  # fmt: skip
        await conn.execute(insert(TICKETS), [{"id": n, "customer_id": n, "channel": CHANNEL, "queue_id": queue,
                                              "subject": f"order {n}"} for n in range(1, tickets + 1)])  # fmt: skip
        await conn.execute(insert(INTERACTIONS), [{"id": n, "ticket_id": n, "customer_id": n, "direction": "inbound",
                                                   "channel": CHANNEL, "external_id": f"in-{n}", "text": "where is it?",
                                                   "created_at": now} for n in range(1, tickets + 1)])  # fmt: skip
        first = tickets + 1
        replies = [{"id": first + j, "ticket_id": 1 + j // PER_TICKET, "customer_id": 1 + j // PER_TICKET,
                    "direction": "outbound", "channel": CHANNEL, "text": f"reply {j}", "delivery_status": "queued",
                    "created_at": now} for j in range(jobs)]  # fmt: skip
        await conn.execute(insert(INTERACTIONS), replies)
        rows = [{"interaction_id": r["id"], "channel": CHANNEL, "next_attempt_at": later, "created_at": now}
                for r in replies]  # fmt: skip
        await conn.execute(insert(OutboxItem), rows)
        if not url.startswith("sqlite"):
            await conn.execute(text("ANALYZE"))
    await engine.dispose()


async def worker(url: str, latency: float, batch: int) -> None:
    """One worker process: says it is ready, drains on "go", reports what it sent and what it cost."""
    db = Database(url, EventBus())
    channel = FixedLatencyChannel(latency)
    delivery = DeliveryWorker(db, ChannelRegistry([channel]), batch=batch, sends=max(1, batch // 2))
    trips = [0]

    def count(*_: Any) -> None:
        trips[0] += 1

    for name in ("before_cursor_execute", "begin", "commit", "rollback"):
        event.listen(db.engine.sync_engine, name, count)
    event.listen(db.engine.sync_engine.pool, "reset", count)
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    before, cpu = trips[0], time.process_time()
    while await delivery.process_due():
        pass
    finished, cpu = time.time(), time.process_time() - cpu
    await db.dispose()
    print(
        json.dumps({"sent": channel.sent, "round_trips": trips[0] - before, "finished": finished, "cpu": cpu}),
        flush=True,
    )


async def drain(url: str, jobs: int, workers: int, latency: float, batch: int = BATCH) -> dict[str, Any]:
    await seed(url, jobs)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.outbox",
            "--worker",
            url,
            "--latency-ms",
            str(latency * 1000),
            "--batch",
            str(batch),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
        )
        for _ in range(workers)
    ]
    for p in procs:
        assert p.stdout is not None
        assert (await p.stdout.readline()).strip() == b"ready"
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(update(OutboxItem).values(next_attempt_at=utcnow()))
    start = time.time()
    for p in procs:
        assert p.stdin is not None
        p.stdin.write(b"go\n")
        await p.stdin.drain()
    reports = []
    for p in procs:
        out, _ = await p.communicate()
        reports.append(json.loads(out.decode().strip().splitlines()[-1]))
    async with engine.connect() as conn:
        done = (await conn.execute(select(func.count()).where(OutboxItem.status == "done"))).scalar_one()
        sent_status = (
            await conn.execute(select(func.count()).where(INTERACTIONS.c.delivery_status == "sent"))
        ).scalar_one()
    await engine.dispose()
    sent = [i for r in reports for i in r["sent"]]
    elapsed = max(r["finished"] for r in reports) - start
    return {"workers": workers, "jobs": jobs, "jobs_per_s": round(jobs / elapsed), "seconds": round(elapsed, 2),
            "round_trips_per_job": round(sum(r["round_trips"] for r in reports) / jobs, 3),
            "per_worker": [len(r["sent"]) for r in reports],
            # The machine is shared: the workers' CPU per job is the figure load does not stretch.
            "worker_cpu_ms_per_job": round(sum(r["cpu"] for r in reports) * 1000 / jobs, 3),
            "duplicates": len(sent) - len(set(sent)),
            "lost": jobs - min(done, sent_status, len(set(sent)))}  # fmt: skip


async def on_postgres(server_url: str, jobs: int, workers: int, latency: float, batch: int) -> dict[str, Any]:
    name = f"hub_bench_outbox_{os.getpid()}_{workers}"
    dsn = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        return await drain(url, jobs, workers, latency, batch)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    latency = args.latency_ms / 1000
    runs: list[dict[str, Any]] = []
    server = args.postgres or os.environ.get("HUB_BENCH_POSTGRES_URL")
    for workers in args.workers:
        with tempfile.TemporaryDirectory(prefix="hub-outbox-") as folder:
            runs.append({"db": "sqlite", **await drain(f"sqlite+aiosqlite:///{folder}/bench.db", args.jobs, workers,
                                                       latency, args.batch)})  # fmt: skip
        if server:
            runs.append({"db": "postgresql", **await on_postgres(server, args.jobs, workers, latency, args.batch)})
    # The headline: the most workers on the best database measured (PostgreSQL when given).
    head = max(runs, key=lambda r: (r["db"] == "postgresql", r["workers"]))
    return {"bench": "outbox", "quick": args.quick, "latency_ms": args.latency_ms, "batch": args.batch,
            "db": head["db"], "jobs_per_s": head["jobs_per_s"], "round_trips_per_job": head["round_trips_per_job"],
            "workers": head["workers"], "duplicates": sum(r["duplicates"] for r in runs),
            "lost": sum(r["lost"] for r in runs), "runs": runs}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 replies")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--workers", type=lambda v: [int(n) for n in v.split(",")], default=[1, 2])
    parser.add_argument("--latency-ms", type=float, default=5.0, help="the channel's answer time")
    parser.add_argument("--batch", type=int, default=BATCH, help="rows a worker claims at once (half sent at once)")
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database is made and dropped there)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # a worker process's database URL
    args = parser.parse_args()
    if args.worker:
        asyncio.run(worker(args.worker, args.latency_ms / 1000, args.batch))
        return
    args.jobs = args.jobs or (2_000 if args.quick else 20_000)
    result = asyncio.run(main_async(args))
    print(json.dumps(result), file=sys.stdout)


if __name__ == "__main__":
    main()
