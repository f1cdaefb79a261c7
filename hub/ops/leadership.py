"""One process does a job at a time (an IMAP mailbox's poller): it holds a PostgreSQL advisory lock, on a
connection of its own, while it works. When that process dies its connection closes, the lock goes, and
another process takes over within `retry_s`. On SQLite there is one process, which always leads."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.background import cancel
from hub.db.engine import Database

log = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock from a job's name."""
    return int.from_bytes(hashlib.sha256(f"hub:{name}".encode()).digest()[:8], "big", signed=True)


class Leadership:
    def __init__(
        self,
        db: Database,
        name: str,
        start: Callable[[], Awaitable[None]],
        stop: Callable[[], Awaitable[None]],
        retry_s: float = 5.0,
    ) -> None:
        self._db, self.name, self._start, self._stop, self._retry = db, name, start, stop, retry_s
        self.leading = False
        self._running = False  # the job was started and not stopped since
        self._ending = False
        self._task: asyncio.Task[None] | None = None

    async def begin(self) -> None:
        self._ending = False
        if self._db.is_sqlite:
            self.leading = self._running = True
            await self._start()
        else:
            self._task = asyncio.create_task(self._campaign(), name=f"hub-lead-{self.name}")

    async def end(self) -> None:
        self._ending = True
        await cancel(self._task)
        # Stopped here, not in the cancelled task: stopping a poller may take longer than a cancellation waits.
        if self._running:
            self._running = self.leading = False
            await self._stop()

    async def _campaign(self) -> None:
        key = lock_key(self.name)
        while True:
            try:
                async with self._db.engine.connect() as conn:
                    got = await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key})
                    await conn.commit()  # the lock is the session's; no transaction stays open
                    if got:
                        await self._lead(conn, key)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database went away: whoever holds the lock now leads
                log.warning("leadership of %s: %s; trying again", self.name, exc)
            await asyncio.sleep(self._retry)

    async def _lead(self, conn: AsyncConnection, key: int) -> None:
        log.info("leading %s", self.name)
        self.leading = self._running = True
        await self._start()
        try:
            while True:  # a broken connection means the lock is gone: stop before someone else starts
                await asyncio.sleep(self._retry)
                await conn.execute(text("SELECT 1"))
                await conn.commit()
        finally:
            if not self._ending:
                self.leading = self._running = False
                await self._stop()
            with contextlib.suppress(Exception):
                await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                await conn.commit()
            log.info("no longer leading %s", self.name)
