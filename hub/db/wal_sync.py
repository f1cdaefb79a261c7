"""Group commit for SQLite: one fsync of the write-ahead log makes every commit before it durable, off the loop.

Why not synchronous=FULL: SQLite then syncs inside each commit, while it holds the database's write lock, so
every transaction (a batch of contacts, a routing decision, a console action) waits for its own fsync in turn:
measured with bench/twilio.py on this machine, 22 webhooks/s. Here commits run with synchronous=NORMAL (the log
is appended, not synced: microseconds), the write lock is released, and the writer then waits for a sync of the
log that started after its commit. While one sync runs, later commits queue for the next, so one fsync serves
every writer of that moment. The log is append-only between checkpoints (which SQLite syncs itself), so a sync
covers each commit before it: after a power cut the database holds every acknowledged commit.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import Executor


class WalSync:
    """Counts commits and syncs the log in a thread; `durable(ticket)` returns once a sync covered that commit."""

    def __init__(self, database_path: str, executor: Executor) -> None:
        self._database = database_path
        self._wal = database_path + "-wal"
        self._executor = executor
        self._committed = 0  # commits made so far (a ticket is a commit's number)
        self._synced = 0  # commits covered by a finished sync
        self._running: asyncio.Future[None] | None = None
        self._wal_inode: int | None = None

    @property
    def committed_count(self) -> int:
        return self._committed

    def committed(self) -> int:
        """Call right after a commit returns: its ticket."""
        self._committed += 1
        return self._committed

    async def durable(self, ticket: int) -> None:
        while self._synced < ticket:
            if self._running is None:
                self._running = asyncio.ensure_future(self._sync())
            # Shielded: a writer that gives up (a dropped request) does not cancel the others' sync.
            await asyncio.shield(self._running)

    async def _sync(self) -> None:
        target = self._committed  # every commit made before this sync starts is in the log already
        try:
            await asyncio.get_running_loop().run_in_executor(self._executor, self._fsync)
            self._synced = max(self._synced, target)
        finally:
            self._running = None

    def _fsync(self) -> None:
        try:
            fd = os.open(self._wal, os.O_RDONLY)
        except FileNotFoundError:  # not in WAL mode (or checkpointed away): the database file holds the commits
            fd = os.open(self._database, os.O_RDONLY)
        try:
            os.fsync(fd)
            inode = os.fstat(fd).st_ino
        finally:
            os.close(fd)
        if inode != self._wal_inode:  # a log file new since the last sync: its name in the directory too
            directory = os.open(os.path.dirname(os.path.abspath(self._wal)), os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
            self._wal_inode = inode
