"""SQLite connections that run statements on the event loop thread, and what would hold it, in threads.

Why inline: aiosqlite sends every call (cursor, execute, fetch, close, commit) to a worker thread and back.
On this project's hot path that is about 23 thread round trips per stored message, each costing more
than the SQLite work itself; measured with bench/webchat.py, running inline more than doubles
throughput (95 -> 207 messages/s) and cuts p99 latency by a factor of seven.
What does not run inline: the fsync that makes commits durable (wal_sync.py: in a thread, shared by every
writer of the moment), and a read that runs past its budget (a list over a million rows): it is stopped and run
again in a reader thread, which WAL mode lets run beside the writer.
Why the rest is safe inline: readers never wait in WAL mode, our own writers queue on Database's write lock,
and a local statement takes microseconds. The one blocking case is another process holding the write lock
(an admin CLI command), bounded by busy_timeout; several hub processes belong on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import sqlite3
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import aiosqlite
from aiosqlite.context import contextmanager

from hub.background import cancel
from hub.db.offload import Interrupted, OffLoop, budget, is_read

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

log = logging.getLogger(__name__)


class InlineConnection(aiosqlite.Connection):
    """aiosqlite's API, minus the thread hop: each call runs where it is awaited, but for reads past their
    budget, which run in the engine's reader threads."""

    def __init__(self, connector: Callable[[], sqlite3.Connection], off_loop: OffLoop) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self.off_loop = off_loop

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    @property
    def raw(self) -> sqlite3.Connection:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return self._connection

    @contextmanager
    async def cursor(self) -> aiosqlite.Cursor:
        return InlineCursor(self, self.raw.cursor())


class InlineCursor(aiosqlite.Cursor):
    """Writes run inline; a read runs inline within its budget, else again in a reader thread (all its rows)."""

    def __init__(self, conn: InlineConnection, cursor: sqlite3.Cursor) -> None:
        super().__init__(conn, cursor)
        self._owner = conn
        self._read: tuple[str, Any] | None = None  # a read executed inline whose rows are not fetched yet
        self._rows: list[Any] | None = None  # the rows of a read that ran in a thread

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> InlineCursor:
        params: Any = [] if parameters is None else parameters
        conn = self._owner.raw
        self._read = self._rows = None
        if not is_read(sql):
            self._cursor.execute(sql, params)
            return self
        if self._owner.off_loop.known_slow(sql):
            self._rows = await self._owner.off_loop.read(conn, self._cursor, sql, params)
            return self
        try:
            with budget(conn):
                self._cursor.execute(sql, params)  # steps to the first row: a sort or a scan happens here
            self._read = (sql, params)
        except Interrupted:
            self._rows = await self._in_thread(sql, params)
        return self

    async def fetchall(self) -> list[Any]:
        if self._rows is not None:
            rows, self._rows = self._rows, None
            return rows
        if self._read is None:
            return self._cursor.fetchall()
        sql, params = self._read
        self._read = None
        try:
            with budget(self._owner.raw):
                return self._cursor.fetchall()
        except Interrupted:  # the rows so far are dropped: the read (no side effects) runs again whole
            return await self._in_thread(sql, params)

    async def fetchone(self) -> Any:
        self._read = None
        if self._rows is not None:
            return self._rows.pop(0) if self._rows else None
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        self._read = None
        if self._rows is not None:
            count = self.arraysize if size is None else size
            rows, self._rows = self._rows[:count], self._rows[count:]
            return rows
        return self._cursor.fetchmany(self.arraysize if size is None else size)

    async def _in_thread(self, sql: str, params: Any) -> list[Any]:
        self._owner.off_loop.remember_slow(sql)
        log.debug("read past its budget, run again in a thread: %.200s", sql)
        return await self._owner.off_loop.read(self._owner.raw, self._cursor, sql, params)


_DRIVER = "hub.inline_driver"


async def inline_driver(conn: AsyncConnection) -> sqlite3.Connection | None:
    """The sqlite3 connection under this SQLAlchemy connection when it is an InlineConnection (None for any other
    driver), kept in the pooled connection's info: it is the same for as long as that connection lives."""
    info = conn.info
    if _DRIVER not in info:
        driver = (await conn.get_raw_connection()).driver_connection
        info[_DRIVER] = driver.raw if isinstance(driver, InlineConnection) else None
    known: sqlite3.Connection | None = info[_DRIVER]
    return known


def inline_creator(path: str, off_loop: OffLoop) -> Callable[[], InlineConnection]:
    """For create_async_engine(async_creator=...): the dialect awaits the connection it gets."""
    # Opened in aiosqlite's start-up thread, used on the loop thread (and the engine's threads) from then on.
    connector = functools.partial(sqlite3.connect, path, check_same_thread=False)

    def create() -> InlineConnection:
        connection = InlineConnection(connector, off_loop)
        connection._thread.daemon = True  # only opens and closes the connection; never block exit on it
        return connection

    return create


def disable_autocheckpoint(dbapi_conn: Any, _record: Any) -> None:
    # Statements run on the event loop, so a checkpoint inside a commit would stall every request;
    # WalCheckpointer does it in a thread instead.
    dbapi_conn.execute("PRAGMA wal_autocheckpoint=0")


class WalCheckpointer:
    """Copies the write-ahead log into the database every second, in a worker thread, with its own
    connection. PASSIVE mode never blocks readers or writers; the last connection to close
    checkpoints the rest."""

    def __init__(self, path: str, interval: float = 1.0) -> None:
        self._path = path
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="hub-sqlite-checkpoint")

    async def stop(self) -> None:
        if self._task is not None:
            await cancel(self._task)
            await asyncio.to_thread(self._checkpoint)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await asyncio.to_thread(self._checkpoint)
            except sqlite3.Error:
                log.warning("WAL checkpoint failed; retrying in %.0f s", self._interval, exc_info=True)

    def _checkpoint(self) -> None:
        with contextlib.closing(sqlite3.connect(self._path, timeout=1)) as conn:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
