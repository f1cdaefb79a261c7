"""The garbage collector's full passes kept off the sockets' long-lived objects, without letting garbage stay.

Each socket holds objects that live as long as it does (engine.io's and aiohttp's, its tasks and queues) and the
ones it waits on (the writer's next `queue.get()`, the ping's timer: renewed by each frame and each ping, so they
reach the oldest generation too). With 2,000 consoles the collector's automatic full pass walked ~140,000 of them,
~200 ms with the event loop stopped, every few seconds under load (docs/performance.md, "Console fan-out").

So what survives a full pass is frozen (`gc.freeze()`: later passes skip it), right after that pass, when nothing
in it is garbage; a wave of new sockets is frozen at once. A frozen object is still freed when nothing refers to
it, but a cycle among frozen objects is not (a closed socket's objects are such a cycle): when enough frozen
sockets have closed, or every few minutes, everything is thawed, collected once and frozen again. One full pass
over everything per many disconnections or minutes instead of one every few seconds, and the garbage is bounded.

A full pass freezes whatever is in flight too (an SMTP session, an HTTP connection, a request's objects), and once
finished these are cycles among frozen objects as well, with no socket closing to count them: so the frozen objects
are also counted every few seconds, and when they have grown by a quarter since the last thaw, everything is
thawed and collected (Python's own rule for a full pass: the oldest generation grown by a quarter).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    freeze_after: int = 32  # new sockets since the last freeze (a burst of connections, or a slow trickle)
    thaw_after: int = 64  # frozen sockets closed since (at least; a quarter of the frozen ones on a big process)
    thaw_share: float = 0.25
    # Any frozen garbage (a few closed sockets', a finished wait's cycle) waits at most this long. A thaw walks
    # everything (~0.3-1 s of CPU with 2,000 sockets) and the timed ones found little: ~260 objects.
    thaw_every_s: float = 1800.0
    tick_s: float = 1.0
    # A closed socket's objects are let go only once engine.io's tasks have let it go: its ping task sleeps out the
    # ping interval, and the service task holds its copy of the sockets for up to a ping timeout. Thawing before
    # then would freeze them again. (python-socketio's defaults, 25 s and 20 s; the hub passes its own.)
    settle_s: float = 45.0
    # Frozen objects grown by this share since the last thaw: finished work's cycles waiting (bench/day.py: 4,700-
    # 11,500 objects per 2,000 contacts a process, else kept for up to thaw_every_s). The first such thaw comes
    # after start-up's warm-up froze its dictionaries. Counting walks every frozen object (~10 ms at 600,000), so
    # not at every tick.
    thaw_growth: float = 0.25
    count_every_s: float = 10.0


class SocketFreezer:
    """Checks the process's sockets once per tick; freezes after connections, thaws and collects after closes."""

    def __init__(self, sockets: Callable[[], Collection[str]], policy: Policy | None = None) -> None:
        self._sockets = sockets
        self.policy = policy or Policy()
        # Every socket seen open (a full pass freezes whatever is alive, so any of them may be frozen), the ones
        # open at the last freeze, and those since closed with when they were first seen closed.
        self._seen: set[str] = set()
        self._at_freeze: set[str] = set()
        self._gone_at: dict[str, float] = {}
        self._thawed_at = self._counted_at = time.monotonic()
        self._frozen_after_thaw = gc.get_freeze_count()
        self._task: asyncio.Task[None] | None = None
        self.freezes = 0
        self.thaws = 0

    def start(self) -> None:
        gc.callbacks.append(self._after_pass)
        self._task = asyncio.create_task(self._run(), name="socket-freezer")

    def _after_pass(self, phase: str, info: dict[str, int]) -> None:
        # Right after a full pass everything left is alive: freezing it then freezes no garbage. (Called by the
        # collector in whichever thread allocated; freeze() only moves the generations' lists.)
        if phase == "stop" and info["generation"] == 2:
            gc.freeze()

    async def stop(self) -> None:
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self._after_pass)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.policy.tick_s)
            self.check()

    def check(self) -> None:
        now = set(self._sockets())
        t = time.monotonic()
        for sid in self._seen - now:
            self._gone_at.setdefault(sid, t)
        self._seen = now | self._gone_at.keys()
        p = self.policy
        settled = sum(1 for at in self._gone_at.values() if t - at >= p.settle_s)
        if (
            (settled and settled >= max(p.thaw_after, p.thaw_share * len(self._seen)))
            or t - self._thawed_at >= p.thaw_every_s
            or self._frozen_grew(t)
        ):
            began = time.perf_counter()
            gc.unfreeze()
            collected = gc.collect()
            gc.freeze()
            self._frozen_after_thaw = gc.get_freeze_count()
            # The closed sockets not yet let go were frozen again: they count at the next thaw.
            self._gone_at = {sid: at for sid, at in self._gone_at.items() if t - at < p.settle_s}
            self._seen, self._at_freeze = now | self._gone_at.keys(), now
            self._thawed_at = t
            self.thaws += 1
            log.info(
                "collector: %d closed sockets' objects collected (%d freed) in %.0f ms; %d sockets frozen",
                settled, collected, (time.perf_counter() - began) * 1000, len(now),
            )  # fmt: skip
        elif len(now - self._at_freeze) >= p.freeze_after:
            # The young generations first (a few ms): what is garbage there now is not frozen with the rest.
            gc.collect(1)
            gc.freeze()
            self._at_freeze = now
            self.freezes += 1

    def _frozen_grew(self, t: float) -> bool:
        """Whether the frozen objects grew by thaw_growth since the last thaw (counted every count_every_s)."""
        if t - self._counted_at < self.policy.count_every_s:
            return False
        self._counted_at = t
        return gc.get_freeze_count() > (1 + self.policy.thaw_growth) * self._frozen_after_thaw
