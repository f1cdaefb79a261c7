"""engine.io's per-socket packet queue, lean: an unbounded FIFO whose get() is a future, not a coroutine.

engine.io keeps one queue per socket for the packets waiting for its writer. asyncio.Queue costs ~2.4 KB each
(three deques and an Event with a fourth), and engine.io's writer waits on it through
`asyncio.wait_for(queue.get(), ...)`, which wraps the `get()` coroutine in a Task that lives as long as the
socket is idle: ~1 KB more. Here the items sit in a list and `get()` returns a future, which `wait_for` waits on
as it is (docs/performance.md, Memory, round 4). Same order and the same task_done()/join() accounting.
"""

from __future__ import annotations

import asyncio
from typing import Any


class PacketQueue:
    """What engine.io asks of asyncio.Queue (unbounded): put, put_nowait, get, get_nowait, task_done, join."""

    __slots__ = ("_getters", "_items", "_joiners", "_unfinished")

    def __init__(self) -> None:
        self._items: list[Any] = []  # a handful at most: the writer takes them all at each wake-up
        self._getters: list[asyncio.Future[Any]] | None = None  # created when a get() has to wait
        self._joiners: list[asyncio.Future[None]] | None = None
        self._unfinished = 0

    def qsize(self) -> int:
        return len(self._items)

    def empty(self) -> bool:
        return not self._items

    def put_nowait(self, item: Any) -> None:
        self._unfinished += 1
        # Straight to the oldest getter still waiting; one that timed out or was cancelled is skipped.
        while self._getters:
            getter = self._getters.pop(0)
            if not getter.done():
                getter.set_result(item)
                return
        self._items.append(item)

    async def put(self, item: Any) -> None:
        self.put_nowait(item)

    def get_nowait(self) -> Any:
        if not self._items:
            raise asyncio.QueueEmpty
        return self._items.pop(0)

    def get(self) -> asyncio.Future[Any]:
        """A future of the next item: done already if one is waiting."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if self._items:
            future.set_result(self._items.pop(0))
        else:
            # Those that timed out or were cancelled go now, so a socket never holds more than one.
            self._getters = [getter for getter in self._getters or () if not getter.done()]
            self._getters.append(future)
        return future

    def task_done(self) -> None:
        if self._unfinished <= 0:
            raise ValueError("task_done() called too many times")
        self._unfinished -= 1
        if not self._unfinished and self._joiners:
            joiners, self._joiners = self._joiners, None
            for joiner in joiners:
                if not joiner.done():
                    joiner.set_result(None)

    async def join(self) -> None:
        """Until every item put has been marked done."""
        if self._unfinished:
            joiner: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            if self._joiners is None:
                self._joiners = []
            self._joiners.append(joiner)
            await joiner
