"""Each process keeps the active hooks in memory, so a write with events reads the hooks table only after a hook
changed, not once per write.

Why it is safe, in the order it matters:
- The cache never sends to a hook that is gone, turned off, or no longer subscribed: the recorder's insert
  selects each delivery from the hook's row as it stands in the writing transaction (recorder.py), so a stale
  entry inserts nothing, and the write still commits (no foreign key error on a deleted hook).
- What the cache can miss is a hook added, turned on or given more events elsewhere. A change made through
  the registry holds every process's cache while it commits (`changing()`): this process at once, the others
  through Redis (announce.py), which acknowledge before the change is written. A held cache reads the hooks
  in every write's transaction, as every write did before there was a cache, until the change has committed.
- Without that (a process whose Redis connection is down, none configured, a change made outside the hub):
  a process whose listener is not subscribed does not use its cache at all, and a cache is read again when
  it is older than MAX_AGE_S: a change is missed for at most that long.
"""

from __future__ import annotations

import contextlib
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.engine import Database
from hub.webhooks.tables import Webhook

# The bound on a change this process was not told of (see above): one read of a few rows per process this often.
MAX_AGE_S = 5.0
# A hold whose release never came (its process died mid-change) ends after this; the change has committed or
# failed by then (a registry write takes milliseconds).
HOLD_S = 30.0


@dataclass(frozen=True, slots=True)
class Hook:
    id: int
    events: frozenset[str]


class ActiveHooks:
    """One process's copy of the active hooks of one database."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._hooks: tuple[Hook, ...] | None = None
        self._loaded_at = 0.0
        # Bumped by every invalidation: a read that started before one is not kept (it may predate the change).
        self._generation = 0
        self._holds: dict[str, float] = {}  # change token -> when the hold lapses
        # False while a listener for other processes' changes is configured but not subscribed.
        self.listening = True
        # Set by announce.HookAnnouncer: tells the other processes of this one's changes.
        self.announce: Callable[[str, str], Awaitable[None]] | None = None
        self.reads = 0  # reads of the hooks table, for tests and benches

    def invalidate(self) -> None:
        self._generation += 1
        self._hooks = None

    def hold(self, token: str) -> None:
        self._holds[token] = self._clock() + HOLD_S
        self.invalidate()

    def release(self, token: str) -> None:
        self._holds.pop(token, None)
        self.invalidate()

    def _usable(self) -> bool:
        if self._holds:
            now = self._clock()
            self._holds = {token: until for token, until in self._holds.items() if until > now}
        return not self._holds and self.listening and self._clock() - self._loaded_at < MAX_AGE_S

    async def current(self, session: AsyncSession) -> tuple[Hook, ...]:
        """The active hooks, read in the writing transaction when the cache cannot be trusted."""
        if self._hooks is not None and self._usable():
            return self._hooks
        generation, started = self._generation, self._clock()
        rows = (await session.execute(select(Webhook.id, Webhook.events).where(Webhook.active.is_(True)))).all()
        self.reads += 1
        hooks = tuple(Hook(hook_id, frozenset(events)) for hook_id, events in rows)
        if generation == self._generation and not self._holds and self.listening:
            self._hooks, self._loaded_at = hooks, started
        return hooks

    @contextlib.asynccontextmanager
    async def changing(self) -> AsyncIterator[None]:
        """Around a write that adds, changes or removes a hook: every process reads the hooks per write until
        it has committed."""
        token = uuid.uuid4().hex
        self.hold(token)
        try:
            if self.announce is not None:
                await self.announce("hold", token)
            yield
        finally:
            self.release(token)
            if self.announce is not None:
                await self.announce("release", token)


_BY_DATABASE: weakref.WeakKeyDictionary[Database, ActiveHooks] = weakref.WeakKeyDictionary()


def active_hooks(db: Database) -> ActiveHooks:
    """The cache of this database in this process (the recorder reads it, the registry holds it)."""
    hooks = _BY_DATABASE.get(db)
    if hooks is None:
        hooks = _BY_DATABASE[db] = ActiveHooks()
    return hooks
