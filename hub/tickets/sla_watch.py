"""The breach watcher: records on each ticket when its SLA was first breached, so the mark outlives catching up."""

from __future__ import annotations

import asyncio
import logging

from hub.background import cancel
from hub.clock import utcnow
from hub.db.engine import Database
from hub.tickets import sla
from hub.tickets.snooze import LeadFactory

log = logging.getLogger(__name__)
# Lists and the API test breaches at read time too (hub.tickets.sla.breached): this only makes them stick.
LOOK_EVERY_S = 30.0


class BreachWatch:
    """One process at a time (the lead) marks breached tickets every LOOK_EVERY_S seconds."""

    def __init__(self, db: Database, lead: LeadFactory, every_s: float = LOOK_EVERY_S) -> None:
        self._db = db
        self._every_s = every_s
        self._task: asyncio.Task[None] | None = None
        self._lead = lead("sla-breaches", self._start, self._stop)

    async def start(self) -> None:
        await self._lead.begin()

    async def stop(self) -> None:
        await self._lead.end()

    async def _start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="hub-sla-breaches")

    async def _stop(self) -> None:
        await cancel(self._task)
        self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await sla.record_breaches(self._db, utcnow())
            except Exception:  # the database away for a moment: try again at the next look
                log.exception("recording SLA breaches failed")
            await asyncio.sleep(self._every_s)
