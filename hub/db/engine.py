"""Engine factory and the write transaction that publishes events only after commit."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from hub.bus import Event, EventBus
from hub.db.offload import OffLoop
from hub.db.sqlite import WalCheckpointer, disable_autocheckpoint, inline_creator
from hub.db.wal_sync import WalSync

# "full": a commit is on disk before it is acknowledged (it survives a power cut). "fast": it survives the
# process being killed, but a power cut or kernel crash may lose the last commits (never corrupts).
Durability = Literal["full", "fast"]
DURABILITIES: tuple[Durability, ...] = ("full", "fast")


# PostgreSQL's answers to two transactions that cannot both go on: the other one committed (or was rolled
# back), so running the same work again succeeds; nothing of the failed one was kept.
_CONFLICTS = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure


def is_conflict(exc: BaseException) -> bool:
    """True if a write failed only because another transaction held what it needed (worth one more try)."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in _CONFLICTS


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets readers run while one writer commits. NORMAL appends a commit to the log without syncing it (the
    # log is synced at checkpoints): durable across crashes of the process; Database.write() makes acknowledged
    # commits durable across power cuts too, with one fsync of the log shared by every writer (wal_sync.py).
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def create_engine(url: str, durability: Durability = "full", off_loop: OffLoop | None = None) -> AsyncEngine:
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, async_creator=inline_creator(path or ":memory:", off_loop or OffLoop()))
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "connect", disable_autocheckpoint)
        return engine
    # "fast" on PostgreSQL: the server acknowledges a commit before its WAL is flushed (a crash of the server
    # loses at most its last few hundred milliseconds of commits, never consistency).
    settings = {"server_settings": {"synchronous_commit": "off"}} if durability == "fast" else {}
    # No pre-ping: it costs three round trips (BEGIN, ping, ROLLBACK) on every checkout, a third of the
    # database traffic of a webhook. A connection found dead on use raises a disconnect error instead,
    # which invalidates the whole pool; the request fails (the sender retries) and the next one reconnects.
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_recycle=1800, connect_args=settings)


@dataclass(slots=True)
class UnitOfWork:
    """One write transaction; events emitted here are published after a successful commit."""

    session: AsyncSession
    events: list[Event] = field(default_factory=list)

    def emit(self, event: Event) -> None:
        self.events.append(event)


class Database:
    def __init__(self, url: str, bus: EventBus, durability: Durability = "full") -> None:
        self.url = url
        self.durability = durability
        self.is_sqlite = url.startswith("sqlite")
        self._off_loop = OffLoop() if self.is_sqlite else None
        self.engine = create_engine(url, durability, self._off_loop)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # Reads on PostgreSQL run without BEGIN and ROLLBACK (two round trips of every read): under READ COMMITTED
        # each statement sees its own snapshot inside a transaction too, so a read sees exactly the same rows.
        reader = self.engine if self.is_sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._read_sessions = async_sessionmaker(reader, expire_on_commit=False)
        self.bus = bus
        # Run inside every write transaction just before it commits, given its events: rows that must exist
        # exactly when the events' facts do (outbound webhook deliveries) are written here, in one place.
        self.before_commit: list[Callable[[UnitOfWork], Awaitable[None]]] = []
        # SQLite has one writer at a time; queueing writers here avoids SQLITE_BUSY on lock upgrades.
        self._write_lock: asyncio.Lock | None = asyncio.Lock() if self.is_sqlite else None
        path = make_url(url).database if self.is_sqlite else None
        self._checkpointer = WalCheckpointer(path) if path and path != ":memory:" else None
        # "full" on SQLite: a write returns (and its events go out) once a sync of the log covers its commit.
        self.wal_sync: WalSync | None = None
        self._late: set[asyncio.Future[None]] = set()  # events of writers cancelled while their sync ran
        if self._off_loop is not None and path and path != ":memory:" and durability == "full":
            self.wal_sync = WalSync(path, self._off_loop.syncs)

    def start(self) -> None:
        """Background upkeep for a serving process (SQLite: WAL checkpoints off the event loop)."""
        if self._checkpointer is not None:
            self._checkpointer.start()

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._read_sessions() as session:
            yield session

    @contextlib.asynccontextmanager
    async def read_streamed(self) -> AsyncIterator[AsyncSession]:
        """A read whose rows come through a server-side cursor (`session.stream`): PostgreSQL keeps a cursor only
        inside a transaction, so this one has BEGIN and ROLLBACK, as every read had before."""
        async with self.sessions() as session:
            yield session

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[UnitOfWork]:
        lock = self._write_lock or contextlib.nullcontext()
        async with lock, self.sessions() as session:
            uow = UnitOfWork(session)
            yield uow
            if uow.events:
                for hook in self.before_commit:
                    await hook(uow)
            await session.commit()
            ticket = self.wal_sync.committed() if self.wal_sync is not None else 0
        if self.wal_sync is not None:
            # After the write lock is released: the next writer commits while this one's sync runs, and joins
            # the next sync (group commit across every writer, not only a batch of contacts).
            try:
                await self.wal_sync.durable(ticket)
            except asyncio.CancelledError:
                # Committed already: its events still go out once it is durable, though this writer stopped waiting.
                if uow.events:
                    self._late.add(task := asyncio.ensure_future(self._publish_when_durable(ticket, uow.events)))
                    task.add_done_callback(self._late.discard)
                raise
        for ev in uow.events:
            await self.bus.publish(ev)

    async def _publish_when_durable(self, ticket: int, events: list[Event]) -> None:
        assert self.wal_sync is not None
        await self.wal_sync.durable(ticket)
        for ev in events:
            await self.bus.publish(ev)

    async def dispose(self) -> None:
        if self._checkpointer is not None:
            await self._checkpointer.stop()
        await self.engine.dispose()
        if self._off_loop is not None:
            self._off_loop.shutdown()
