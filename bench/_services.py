"""What the benches share: the services' addresses (one place), hubs started and awaited for as long as they take,
and the durability each run had, printed in its JSON (`--unsafe` runs without syncing commits, to show the cost)."""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import text

from hub.bus import EventBus
from hub.db.engine import Database, Durability
from hub.settings import PROJECT_ROOT
from tests.processes import Process, free_port, stop
from tests.processes import start_hub as _start_hub

# `scripts/test-services.sh start` runs these. Its PostgreSQL is the tests' one: fsync and synchronous_commit off
# for test speed, so a bench on it is not durable; every bench's JSON says so ("durable": false) and warns.
POSTGRES_URL = "postgresql+asyncpg://hub:hub@127.0.0.1:55432/hub"
REDIS_URL = "redis://127.0.0.1:56379/0"
# A hub on a busy 2-core machine can take a minute or more to come up: wait while its process lives.
START_WAIT_S = math.inf
SQLITE_SYNC = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}

__all__ = ["POSTGRES_URL", "REDIS_URL", "Process", "free_port", "stop"]


def postgres_url() -> str:
    url = os.environ.get("HUB_DATABASE_URL") or POSTGRES_URL
    return url.replace("postgresql://", "postgresql+asyncpg://", 1) if "+asyncpg" not in url else url


def redis_url() -> str:
    return os.environ.get("HUB_REDIS_URL") or REDIS_URL


def database_url(tmp: Path, name: str = "bench.db") -> str:
    """HUB_DATABASE_URL, else a fresh SQLite file in tmp."""
    return os.environ.get("HUB_DATABASE_URL") or f"sqlite+aiosqlite:///{tmp / name}"


def add_unsafe(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--unsafe",
        action="store_true",
        help="commits not synced to disk (SQLite synchronous=NORMAL, PostgreSQL synchronous_commit=off): "
        "the cost of durability, by difference",
    )


def durability_of(unsafe: bool) -> Durability:
    return "fast" if unsafe else "full"


def hub_env(unsafe: bool) -> dict[str, str]:
    """The environment that gives a `hub serve` this run's durability."""
    return {"HUB_DATABASE_DURABILITY": durability_of(unsafe)}


async def start_hub(env: dict[str, str], *, capture: bool = False) -> tuple[Process, str]:
    """`hub serve` (its own process group), awaited until ready however long that takes; stopped if it dies."""
    return await _start_hub(env, capture=capture, seconds=START_WAIT_S)


async def durability(url: str, unsafe: bool = False) -> dict[str, Any]:
    """What a commit survives in this run, read from the database as the hub's connections see it."""
    db = Database(url, EventBus(), durability_of(unsafe))
    try:
        async with db.read() as s:
            if db.is_sqlite:
                sync = SQLITE_SYNC.get(int((await s.execute(text("PRAGMA synchronous"))).scalar() or 0), "?")
                journal = str((await s.execute(text("PRAGMA journal_mode"))).scalar())
                # NORMAL appends commits to the log unsynced; the hub's "full" then syncs the log (one fsync for
                # every writer of the moment) before a write returns and its contact is acknowledged.
                synced = db.wal_sync is not None
                shown: dict[str, Any] = {"sqlite_synchronous": sync, "sqlite_journal_mode": journal,
                                         "sqlite_log_synced_before_ack": synced}  # fmt: skip
                durable = sync in ("FULL", "EXTRA") or synced
            else:
                shown = {
                    f"postgres_{name}": str((await s.execute(text(f"SHOW {name}"))).scalar())
                    for name in ("fsync", "synchronous_commit", "full_page_writes")
                }
                durable = shown["postgres_fsync"] == "on" and shown["postgres_synchronous_commit"] != "off"
    finally:
        await db.dispose()
    if not durable:
        print(f"bench: NOT DURABLE: a power cut may lose acknowledged commits ({shown})", file=sys.stderr)
    return {"durability": durability_of(unsafe), "durable": durable, **shown}


def project_config() -> str:
    return (PROJECT_ROOT / "config" / "hub.toml").read_text(encoding="utf-8")
