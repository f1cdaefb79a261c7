"""A slow read never freezes the process: /healthz answers while it runs, and its rows are all there."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text

from hub.bus import EventBus
from hub.db import offload
from hub.db.engine import Database
from hub.keys import DB
from tests.conftest import Hub

# Counting to a billion: minutes of work on either database, so it is still running when /healthz answers.
SLOW = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c"


async def test_health_answers_while_a_slow_read_runs(hub: Hub) -> None:
    db = hub.app[DB]
    reading = asyncio.Event()

    async def slow_read() -> None:
        async with db.read() as session:
            reading.set()
            await session.execute(text(SLOW))

    task = asyncio.create_task(slow_read())
    await reading.wait()
    async with aiohttp.ClientSession() as http, http.get(f"{hub.url}/healthz") as response:
        assert response.status == 200
    assert not task.done()  # answered while the read was still running: the loop was never held by it
    task.cancel()  # a request given up stops its query (SQLite: interrupted in its thread)
    with pytest.raises(asyncio.CancelledError):
        await task
    async with db.read() as session:
        assert (await session.execute(text("SELECT 1"))).scalar() == 1


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> Database:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}", EventBus())
    async with db.write() as uow:
        await uow.session.execute(text("CREATE TABLE t (x INTEGER)"))
        await uow.session.execute(text("INSERT INTO t VALUES (1), (2), (3)"))
    return db


async def test_reads_past_their_budget_return_every_row(sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(offload, "READ_BUDGET_S", -1.0)  # every read is over budget: each one runs in a thread
    try:
        async with sqlite_db.read() as session:
            assert (await session.execute(text("SELECT x FROM t ORDER BY x"))).scalars().all() == [1, 2, 3]
            rows = await session.stream(text("SELECT x FROM t ORDER BY x"))  # fetched a few at a time
            assert [x async for x in rows.scalars()] == [1, 2, 3]
        async with sqlite_db.write() as uow:
            await uow.session.execute(text("INSERT INTO t VALUES (4)"))
            # In the thread, on the same connection: the transaction's own uncommitted row is seen.
            assert (await uow.session.execute(text("SELECT count(*) FROM t"))).scalar() == 4
        async with sqlite_db.read() as session:
            assert (await session.execute(text("SELECT sum(x) FROM t"))).scalar() == 10
    finally:
        await sqlite_db.dispose()


def test_only_reads_are_run_again() -> None:
    assert offload.is_read("SELECT 1") and offload.is_read("  with a as (select 1) select * from a")
    assert not offload.is_read("INSERT INTO t VALUES (1)")
    assert not offload.is_read("WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a")
    assert not offload.is_read("PRAGMA synchronous")
