"""Lists and search at help-desk scale: N tickets (1,000,000; --quick 20,000) with about 5 messages each, half
of them Chinese, on SQLite and (with --postgres URL or HUB_BENCH_POSTGRES_URL) on PostgreSQL.

Data is written in bulk (bench/search_data.py), the index rows in a timed phase of their own (index_build_s).
Then through the real HTTP API with a token: the default inbox, filtered lists (queue, channel, assignee, tag,
tier, closed, finished work newest first), a deep page by cursor (half-way down the closed tickets), ticket
searches in Chinese and English with and without filters, and customer searches (name, pinyin, phone,
e-mail). Statements per list request are counted on the app's engine. Prints one JSON object last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `python bench/search.py`: the project root

import aiohttp
import asyncpg
from aiohttp.test_utils import TestServer
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from bench.search_data import index, load
from hub import keys
from hub.agents.accounts import create_token
from hub.app import create_app
from hub.db.engine import create_engine
from hub.db.migrate import upgrade_async
from hub.settings import PROJECT_ROOT, load_settings
from hub.tickets.listing import Position, rank_of

LISTS = ["status=new,open,pending", "status=new,open,pending&queue=billing", "channel=wechat&status=open",
         "assignee=7&status=open,pending", "tag=vip&status=new,open,pending", "tier=gold&status=open",
         "status=closed", "status=solved,closed&order=recent", "assignee=7&status=solved,closed&order=recent",
         ""]  # fmt: skip
SEARCHES = [
    "q=退款", "q=发票抬头", "q=申请售后 材料", "q=快递&status=closed", "q=refund", "q=password reset", "q=deliv",
    "q=courier&channel=wechat", "q=invoice&tag=vip", "q=退款&queue=billing&status=open,pending",
]  # fmt: skip
CUSTOMERS = ["q=王芳", "q=wangfang", "q=138 0000 0123", "q=c12345@example.com", "q=Emma Smith"]


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1)


async def _deep_cursor(engine: Any) -> str:
    """A cursor half-way down the closed tickets, as a client paging that far would hold."""
    async with engine.connect() as conn:
        total = (await conn.execute(text("SELECT count(*) FROM tickets WHERE status = 'closed'"))).scalar_one()
        middle = text("SELECT id FROM tickets WHERE status = 'closed' AND priority = 'normal' "
                      "ORDER BY last_message_at, id LIMIT 1 OFFSET :n")  # fmt: skip
        row = (await conn.execute(middle, {"n": total // 3})).one()
        ticket = (
            await conn.execute(text("SELECT priority, last_message_at FROM tickets WHERE id = :i"), {"i": row[0]})
        ).one()
    at = datetime.fromisoformat(ticket[1]) if isinstance(ticket[1], str) else ticket[1]
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return Position(rank_of(ticket[0]), at, row[0]).encode()


async def _build(url: str, tickets: int, per_ticket: int) -> dict[str, Any]:
    """Loads and indexes the data, or finds it there from an earlier run (--sqlite-file, --postgres-database)."""
    engine = create_engine(url)
    sqlite = url.startswith("sqlite")
    async with engine.connect() as conn:
        held = (await conn.execute(text("SELECT count(*) FROM tickets"))).scalar_one()
    if held:  # built before: only measure (load_s and index_build_s are that run's)
        async with engine.connect() as conn:
            messages = (await conn.execute(text("SELECT count(*) FROM interactions"))).scalar_one()
            customers = (await conn.execute(text("SELECT count(*) FROM customers"))).scalar_one()
        await engine.dispose()
        return {"tickets": held, "messages": messages, "customers": customers, "load_s": None, "index_build_s": None}
    t0 = time.perf_counter()
    data = await load(engine, tickets, per_ticket)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    await index(engine, data, sqlite)
    index_s = time.perf_counter() - t0
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        if sqlite:  # the hub's engine leaves checkpoints to the running app: the load's pages go to the file
            await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        else:  # autovacuum would have (statistics, and the visibility map index-only scans need); a SQLite hub
            # never runs ANALYZE, so neither does this bench there
            for table in ("tickets", "customers", "identities", "interactions", "ticket_words", "customer_words"):
                await conn.execute(text(f"VACUUM ANALYZE {table}"))
    await engine.dispose()
    return {"tickets": tickets, "messages": data["messages"], "customers": data["customers"],
            "load_s": round(load_s, 1), "index_build_s": round(index_s, 1)}  # fmt: skip


async def run(url: str, tickets: int, per_ticket: int, rounds: int, workdir: Path) -> dict[str, Any]:
    await upgrade_async(url)
    built = await _build(url, tickets, per_ticket)
    engine = create_engine(url)
    deep = await _deep_cursor(engine)
    await engine.dispose()
    settings = load_settings(env={"HUB_CONFIG": str(PROJECT_ROOT / "config" / "hub.toml")}, database_url=url,
                             attachments_dir=str(workdir / "files"))  # fmt: skip
    app = create_app(settings)
    server = TestServer(app)
    await server.start_server()
    statements = [0]

    def count(*_: Any) -> None:
        """A statement of a request (the app's background work, outbox and webhooks, runs beside them)."""
        task = asyncio.current_task()
        if task is not None and task.get_coro().__qualname__.startswith("RequestHandler"):  # type: ignore[union-attr]
            statements[0] += 1

    event.listen(app[keys.DB].engine.sync_engine, "before_cursor_execute", count)
    async with app[keys.DB].write() as uow:
        token = await create_token(uow.session, role="supervisor", name="bench")
    base = str(server.make_url("")).rstrip("/")
    lists: list[float] = []
    searches: list[float] = []
    customers: list[float] = []
    counts: list[int] = []
    search_counts: list[int] = []
    measuring: list[bool] = []
    by_request: dict[str, list[float]] = {}
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:

        async def timed(path: str) -> float:
            start = time.perf_counter()
            async with http.get(base + path) as r:
                assert r.status == 200, (path, await r.text())
                await r.read()
            took = (time.perf_counter() - start) * 1000
            if measuring:  # not the warm-up
                by_request.setdefault(path.split("cursor=")[0], []).append(took)
            return took

        for path in [f"/api/v1/tickets?{q}" for q in LISTS] + ["/api/v1/customers?q=x"]:
            await timed(path)  # warm-up: caches and jieba's dictionary
        measuring.append(True)
        load_before = os.getloadavg()[0]
        for _ in range(rounds):
            for q in [*LISTS, f"status=closed&cursor={deep}"]:
                before = statements[0]
                lists.append(await timed(f"/api/v1/tickets?{q}"))
                counts.append(statements[0] - before)
            for q in SEARCHES:
                before = statements[0]
                searches.append(await timed("/api/v1/tickets?" + "&".join(
                    f"{k}={quote(v)}" for k, v in (p.split("=", 1) for p in q.split("&")))))  # fmt: skip
                search_counts.append(statements[0] - before)
            for q in CUSTOMERS:
                customers.append(await timed("/api/v1/customers?q=" + quote(q[2:])))
    await server.close()
    loads = [round(load_before, 1), round(os.getloadavg()[0], 1)]  # other work on the machine stretches the tail
    return {**built, "list_p99_ms": p99(lists), "list_p50_ms": round(sorted(lists)[len(lists) // 2], 1),
            "queries_per_list": max(counts), "queries_per_search": max(search_counts), "search_p99_ms": p99(searches),
            "search_p50_ms": round(sorted(searches)[len(searches) // 2], 1), "customer_search_p99_ms": p99(customers),
            "load_average": loads, "slowest": _slowest(by_request, "q="),
            "slowest_lists": _slowest(by_request, None)}  # fmt: skip


def _slowest(by_request: dict[str, list[float]], searching: str | None) -> list[tuple[float, str]]:
    """The three slowest requests (p99) of a kind: searches (q=) or lists."""
    chosen = {k: v for k, v in by_request.items() if (searching in k if searching else "q=" not in k)}
    return sorted(((p99(v), k) for k, v in chosen.items()), reverse=True)[:3]


# The server settings the figures depend on (a test cluster may run without fsync: say so beside the figures).
SETTINGS = ("server_version", "fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "work_mem",
            "effective_cache_size", "random_page_cost", "max_parallel_workers_per_gather")  # fmt: skip


async def _postgres(server_url: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    name = args.postgres_database or f"hub_bench_search_{os.getpid()}"
    dsn = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(dsn)
    if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
        await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        figures = await run(url, args.tickets, args.per_ticket, args.rounds, workdir)
        size = await admin.fetchval("SELECT pg_database_size($1)", name)
        server = {setting: await admin.fetchval(f"SHOW {setting}") for setting in SETTINGS}
        return {**figures, "db_size_mb": round(size / 2**20, 1), "server": server}
    finally:
        if args.keep or args.postgres_database:  # to look at the plans or measure again; drop it by hand
            print(f"kept database {name}", file=sys.stderr)
        else:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"bench": "search", "quick": args.quick}
    with tempfile.TemporaryDirectory(prefix="hub-search-") as folder:
        workdir = Path(folder)
        path = Path(args.sqlite_file) if args.sqlite_file else workdir / "bench.db"
        if not args.postgres_only:
            sqlite = await run(f"sqlite+aiosqlite:///{path}", args.tickets, args.per_ticket, args.rounds, workdir)
            size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))  # once, after the runs
            out["sqlite"] = {**sqlite, "db_size_mb": round(size / 2**20, 1)}
        server = args.postgres or os.environ.get("HUB_BENCH_POSTGRES_URL")
        if server:
            out["postgresql"] = await _postgres(server, args, workdir)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 tickets")
    parser.add_argument("--tickets", type=int, default=None)
    parser.add_argument("--per-ticket", type=int, default=5, help="messages per ticket on average")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database is made and dropped there)")
    parser.add_argument("--postgres-only", action="store_true", help="skip SQLite")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database (its name on stderr)")
    parser.add_argument("--sqlite-file", help="build the SQLite data in this file and keep it; measure again if built")
    parser.add_argument("--postgres-database", help="the same on PostgreSQL: this database, kept, measured again")
    args = parser.parse_args()
    args.tickets = args.tickets or (20_000 if args.quick else 1_000_000)
    result = asyncio.run(main_async(args))
    print(json.dumps(result, ensure_ascii=False), file=sys.stdout)


if __name__ == "__main__":
    main()
