"""Durable by default: each commit is synced before it is acknowledged, in a thread, never on the event loop."""

from __future__ import annotations

import asyncio
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from hub.bus import Event, EventBus
from hub.db.engine import Database, Durability
from hub.settings import SettingsError, load_settings
from tests.waiting import until


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
        if db.is_sqlite:  # NORMAL (1): a commit appends to the log; the write then waits for a sync of the log
            assert await _setting(db) == "1" and db.wal_sync is not None
        else:  # the server's own setting, never weakened by the hub (the tests' server runs with it off)
            assert not (await _setting(db)).endswith("/client")
    finally:
        await db.dispose()


async def test_fast_is_chosen_not_given(database_url: str) -> None:
    db = Database(database_url, EventBus(), durability="fast")
    try:
        assert await _setting(db) == ("1" if db.is_sqlite else "off/client")
        assert db.wal_sync is None
    finally:
        await db.dispose()


def test_the_setting() -> None:
    assert load_settings(env={}).database_durability == "full"
    assert load_settings(env={"HUB_DATABASE_DURABILITY": "Fast"}).database_durability == "fast"
    with pytest.raises(SettingsError, match="HUB_DATABASE_DURABILITY"):
        load_settings(env={"HUB_DATABASE_DURABILITY": "sometimes"})


class Fsyncs:
    """os.fsync, recorded: which file, on which thread; the first sync of the log can be held until released."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, hold_first: bool = False) -> None:
        self.calls: list[tuple[str, str]] = []
        self.release = threading.Event()
        if not hold_first:
            self.release.set()
        real = os.fsync

        def fsync(fd: int) -> None:
            path = os.readlink(f"/proc/self/fd/{fd}")
            self.calls.append((path, threading.current_thread().name))
            if path.endswith("-wal"):
                self.release.wait()
            real(fd)

        monkeypatch.setattr(os, "fsync", fsync)

    def of_the_log(self) -> list[str]:
        return [thread for path, thread in self.calls if path.endswith("-wal")]


async def _table(tmp_path: Path, durability: Durability = "full") -> Database:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}", EventBus(), durability=durability)
    async with db.write() as uow:
        await uow.session.execute(text("CREATE TABLE t (x INTEGER)"))
    return db


async def test_a_write_returns_once_the_log_is_synced_off_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = await _table(tmp_path)
    fsyncs = Fsyncs(monkeypatch)
    try:
        async with db.write() as uow:
            await uow.session.execute(text("INSERT INTO t VALUES (1)"))
        synced = fsyncs.of_the_log()
        assert synced and all(thread.startswith("hub-sqlite-sync") for thread in synced)
    finally:
        await db.dispose()


async def test_one_sync_serves_every_writer_of_the_moment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = await _table(tmp_path)
    fsyncs = Fsyncs(monkeypatch, hold_first=True)
    sync = db.wal_sync
    assert sync is not None
    before = sync.committed_count

    async def write(n: int) -> None:
        async with db.write() as uow:
            await uow.session.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})

    try:
        writers = [asyncio.create_task(write(n)) for n in range(20)]
        # The first sync is held (a slow disk): meanwhile every other writer commits and waits for the next one.
        await until(lambda: _now(sync.committed_count - before == 20), what="20 commits")
        assert not any(w.done() for w in writers)  # none acknowledged before a sync covered it
        fsyncs.release.set()
        await asyncio.gather(*writers)
        assert len(fsyncs.of_the_log()) <= 2  # 20 writers, one sync for the first and one for the other 19
    finally:
        fsyncs.release.set()
        await db.dispose()


async def test_fast_writes_do_not_wait_for_a_sync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = await _table(tmp_path, "fast")
    fsyncs = Fsyncs(monkeypatch)
    try:
        async with db.write() as uow:
            await uow.session.execute(text("INSERT INTO t VALUES (1)"))
        assert fsyncs.of_the_log() == []
    finally:
        await db.dispose()


async def _now(value: bool) -> bool:
    return value


@dataclass(frozen=True, slots=True)
class Written(Event):
    n: int


async def test_a_writer_that_stops_waiting_still_has_its_events_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = await _table(tmp_path)
    heard: list[int] = []

    async def hear(event: Written) -> None:
        heard.append(event.n)

    db.bus.subscribe(Written, hear)
    fsyncs = Fsyncs(monkeypatch, hold_first=True)

    async def write() -> None:
        async with db.write() as uow:
            await uow.session.execute(text("INSERT INTO t VALUES (1)"))
            uow.emit(Written(1))

    try:
        writer = asyncio.create_task(write())
        await until(lambda: _now(bool(fsyncs.of_the_log())), what="the sync of the log to start")
        writer.cancel()  # committed, waiting for its sync: the request that wrote it went away
        with pytest.raises(asyncio.CancelledError):
            await writer
        assert heard == []  # not before the commit is on disk
        fsyncs.release.set()
        await until(lambda: _now(heard == [1]), what="the event once the commit is durable")
    finally:
        fsyncs.release.set()
        await db.dispose()
