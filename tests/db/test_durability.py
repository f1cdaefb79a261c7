"""Durable by default: each commit is synced before it is acknowledged, in a thread, never on the event loop."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from hub.bus import EventBus
from hub.db.engine import Database
from hub.db.sqlite import InlineConnection
from hub.settings import SettingsError, load_settings


async def _setting(db: Database) -> str:
    """SQLite's synchronous level; on PostgreSQL, synchronous_commit and whether the hub's connection set it."""
    query = (
        "PRAGMA synchronous"
        if db.is_sqlite
        else "SELECT setting || '/' || source FROM pg_settings WHERE name = 'synchronous_commit'"
    )
    async with db.read() as session:
        return str((await session.execute(text(query))).scalar())


async def test_commits_are_synced_by_default(database_url: str) -> None:
    db = Database(database_url, EventBus())
    try:
        if db.is_sqlite:
            assert await _setting(db) == "2"  # FULL: the log synced at every commit
        else:  # the server's own setting, never weakened by the hub (the tests' server runs with it off)
            assert not (await _setting(db)).endswith("/client")
    finally:
        await db.dispose()


async def test_fast_is_chosen_not_given(database_url: str) -> None:
    db = Database(database_url, EventBus(), durability="fast")
    try:
        assert await _setting(db) == ("1" if db.is_sqlite else "off/client")  # 1: NORMAL
    finally:
        await db.dispose()


def test_the_setting() -> None:
    assert load_settings(env={}).database_durability == "full"
    assert load_settings(env={"HUB_DATABASE_DURABILITY": "Fast"}).database_durability == "fast"
    with pytest.raises(SettingsError, match="HUB_DATABASE_DURABILITY"):
        load_settings(env={"HUB_DATABASE_DURABILITY": "sometimes"})


async def _threads_of_statements(tmp_path: Path, durability: str) -> dict[str, set[str]]:
    """Which threads ran a write transaction's statements, by statement kind."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}"
    db = Database(url, EventBus(), durability="fast" if durability == "fast" else "full")
    seen: dict[str, set[str]] = {}

    def trace(statement: str) -> None:
        seen.setdefault(statement.split()[0].upper(), set()).add(threading.current_thread().name)

    try:
        async with db.write() as uow:
            await uow.session.execute(text("CREATE TABLE t (x INTEGER)"))
        async with db.write() as uow:
            raw = (await (await uow.session.connection()).get_raw_connection()).driver_connection
            assert isinstance(raw, InlineConnection)
            raw.raw.set_trace_callback(trace)
            await uow.session.execute(text("INSERT INTO t VALUES (1)"))
            await uow.session.execute(text("SELECT x FROM t"))
        raw.raw.set_trace_callback(None)
    finally:
        await db.dispose()
    return seen


async def test_a_durable_commit_runs_off_the_loop(tmp_path: Path) -> None:
    seen = await _threads_of_statements(tmp_path, "full")
    loop_thread = threading.current_thread().name
    # Small statements stay on the loop's thread (cheap); the commit and its fsync go to the commit thread.
    assert seen["INSERT"] == {loop_thread} and seen["SELECT"] == {loop_thread}
    assert len(seen["COMMIT"]) == 1 and next(iter(seen["COMMIT"])).startswith("hub-sqlite-commit")


async def test_a_fast_commit_stays_inline(tmp_path: Path) -> None:
    seen = await _threads_of_statements(tmp_path, "fast")
    assert seen["COMMIT"] == {threading.current_thread().name}  # nothing to wait for: no thread hop
