"""The wallboard pushed live to supervisors: recomputed at most once a second, and only after a change.

Events only mark the figures stale (O(1) each); one aggregate read per interval serves every supervisor,
so the cost does not grow with agents or with events.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import socketio

from hub.background import cancel
from hub.bus import EventBus
from hub.clock import utcnow
from hub.db.engine import Database
from hub.events import AgentStatusChanged, TicketCreated, TicketUpdated
from hub.rooms import AGENT_NAMESPACE, SUPERVISORS_ROOM
from hub.routing.wallboard import wallboard

log = logging.getLogger(__name__)
NAMESPACE = AGENT_NAMESPACE


class LiveStats:
    def __init__(
        self,
        db: Database,
        sio: socketio.AsyncServer,
        capacity: Callable[[], dict[str, int]],
        shared: bool = False,
        interval_s: float = 1.0,
    ) -> None:
        self._db = db
        self._capacity = capacity
        # With several processes (Redis), supervisors connected elsewhere hear this process's changes too.
        self._shared = shared
        self._sio = sio
        self._interval = interval_s
        self._stale = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def subscribe(self, bus: EventBus) -> None:
        for event in (TicketCreated, TicketUpdated, AgentStatusChanged):
            bus.subscribe(event, self._mark)

    async def _mark(self, _event: object) -> None:
        self._stale.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="hub-live-stats")

    async def stop(self) -> None:
        await cancel(self._task)

    def _watched(self) -> bool:
        return self._shared or any(True for _ in self._sio.manager.get_participants(NAMESPACE, SUPERVISORS_ROOM))

    async def _run(self) -> None:
        while True:
            await self._stale.wait()
            self._stale.clear()
            if self._watched():
                try:
                    async with self._db.read() as s:
                        body = await wallboard(s, self._capacity(), utcnow())
                    await self._sio.emit("queue_stats", body, room=SUPERVISORS_ROOM, namespace=NAMESPACE)
                except Exception:
                    log.exception("pushing queue statistics failed")
            await asyncio.sleep(self._interval)  # a burst of changes costs one recount per interval
