"""SQLite work that would hold the event loop, run in threads: syncs of the log and reads past their budget."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

# A read that has run this long on the loop is stopped and run again in a thread: long enough that nearly every
# statement of a request stays inline (microseconds to a few milliseconds), short enough that /healthz and every
# other request never wait behind a list over a million rows.
READ_BUDGET_S = 0.02
# SQLite calls the progress handler every this many virtual-machine steps (~tens of microseconds each).
PROGRESS_STEPS = 1000
# Statements found slow once go straight to a thread from then on (bounded: the hub's statements are few).
KNOWN_SLOW = 512

_READ = re.compile(r"\s*(SELECT|WITH|VALUES)\b", re.IGNORECASE)
_WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def is_read(sql: str) -> bool:
    """A statement that only reads, so running it again after an interrupt changes nothing."""
    match = _READ.match(sql)
    return match is not None and (match.group(1).upper() != "WITH" or not _WRITES.search(sql))


class Interrupted(Exception):
    """A read ran past its inline budget and was stopped; it runs again in a thread."""


class OffLoop:
    """The threads of one engine: one for syncs of the log (one at a time, never waiting behind a slow read),
    a few for reads that outgrew the loop (WAL readers do not block the writer or each other)."""

    def __init__(self, readers: int = 4) -> None:
        self.syncs = ThreadPoolExecutor(1, thread_name_prefix="hub-sqlite-sync")
        self._reads = ThreadPoolExecutor(readers, thread_name_prefix="hub-sqlite-read")
        self._slow: OrderedDict[str, None] = OrderedDict()

    def known_slow(self, sql: str) -> bool:
        return sql in self._slow

    def remember_slow(self, sql: str) -> None:
        self._slow[sql] = None
        self._slow.move_to_end(sql)
        while len(self._slow) > KNOWN_SLOW:
            self._slow.popitem(last=False)

    async def read(self, conn: sqlite3.Connection, cursor: sqlite3.Cursor, sql: str, params: Any) -> list[Any]:
        def run() -> list[Any]:
            cursor.execute(sql, params)
            return cursor.fetchall()

        # A cancelled request (a client gone) stops its query instead of leaving a thread scanning for it.
        return await _finished(self._reads.submit(run), on_cancel=conn.interrupt)

    def shutdown(self) -> None:
        self.syncs.shutdown(wait=False)
        self._reads.shutdown(wait=False)


async def _finished(future: Future[T], on_cancel: Callable[[], None]) -> T:
    """The thread's result; if the awaiting task is cancelled, the thread is interrupted and let finish first
    (the connection must not be rolled back on the loop while the thread still uses it)."""
    wrapped = asyncio.wrap_future(future)
    try:
        return await asyncio.shield(wrapped)
    except asyncio.CancelledError:
        on_cancel()
        while not wrapped.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait({wrapped})
        with contextlib.suppress(BaseException):
            wrapped.result()  # retrieved, so no "exception never retrieved" warning
        raise


@contextlib.contextmanager
def budget(conn: sqlite3.Connection) -> Iterator[None]:
    """Run a statement step inline for at most READ_BUDGET_S; past that it is interrupted (raises Interrupted).
    Interrupting a SELECT leaves the connection's transaction as it was."""
    deadline = time.monotonic() + READ_BUDGET_S
    stopped = False

    def progress() -> int:
        nonlocal stopped
        stopped = time.monotonic() > deadline
        return int(stopped)

    conn.set_progress_handler(progress, PROGRESS_STEPS)
    try:
        yield
    except sqlite3.OperationalError as exc:
        if stopped:
            raise Interrupted from exc
        raise
    finally:
        conn.set_progress_handler(None, 0)
