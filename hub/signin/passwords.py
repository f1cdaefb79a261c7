"""Password checks off the event loop: argon2 in a few worker threads, with a cap on checks at once."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

from hub.agents.accounts import hash_password, password_matches

MAX_PASSWORD = 1024  # longer is no password anyone types; refused before any hashing
# A sign-in from an address with no recent failure may wait this long for a free slot; others never wait.
CLEAN_WAIT_S = 5.0
CLEAN_WAITERS_PER_SLOT = 4


def _lower_priority() -> None:
    # argon2 starts its lanes as threads of this one, and they inherit its niceness: under a burst of
    # sign-ins the scheduler then prefers the event loop (acks, health checks) over hashing.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


class PasswordChecks:
    """At most `slots` argon2 computations at once, each in a worker thread (argon2-cffi releases the GIL)."""

    def __init__(self, slots: int) -> None:
        self._executor = ThreadPoolExecutor(max_workers=slots, thread_name_prefix="argon2", initializer=_lower_priority)
        self._free = asyncio.Semaphore(slots)
        self._max_waiting = slots * CLEAN_WAITERS_PER_SLOT
        self._waiting = 0

    def full(self) -> bool:
        """No slot free and no room to wait for one: the answer is 429, whoever asks."""
        return self._free.locked() and self._waiting >= self._max_waiting

    @contextlib.asynccontextmanager
    async def slot(self, *, may_wait: bool) -> AsyncIterator[bool]:
        """Yields whether a slot was had: at once, or (may_wait) within CLEAN_WAIT_S with a bounded queue."""
        acquired = False
        if not self._free.locked():
            await self._free.acquire()  # free: returns without suspending
            acquired = True
        elif may_wait and self._waiting < self._max_waiting:
            self._waiting += 1
            try:
                async with asyncio.timeout(CLEAN_WAIT_S):
                    await self._free.acquire()
                acquired = True
            except TimeoutError:
                pass
            finally:
                self._waiting -= 1
        try:
            yield acquired
        finally:
            if acquired:
                self._free.release()

    async def matches(self, stored_hash: str | None, password: str) -> bool:
        return await asyncio.get_running_loop().run_in_executor(self._executor, password_matches, stored_hash, password)

    async def hash(self, password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(self._executor, hash_password, password)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
