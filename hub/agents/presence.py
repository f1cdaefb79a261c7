"""Who is working: console sockets per agent and their status (available, away, busy, wrap-up).

O(1) per change. Only "available" agents are offered work. Opening the console makes an agent
available. When their last console socket closes they become away (keeping their tickets) for a grace
period, then offline; reconnecting within it restores the status they had. After solving voice or chat
work an agent spends the channel's after-contact time in wrap-up, then is available again.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, or_, update

from hub.background import cancel
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Agent
from hub.events import AgentStatusChanged

STATUSES = ("available", "away", "busy")  # what an agent may choose; wrap-up is set by the hub
WRAP_UP = "wrap-up"
# Each process refreshes its connected agents' last_seen_at this often; an agent whose process has not
# done so for STALE_S (it died) no longer counts as online anywhere.
HEARTBEAT_S = 30.0
STALE_S = 90.0
log = logging.getLogger(__name__)


def online_in_db(now: datetime) -> ColumnElement[bool]:
    """Online as every process sees it: a status other than offline, kept fresh by a living process."""
    return (Agent.presence != "offline") & (Agent.last_seen_at >= now - timedelta(seconds=STALE_S))


class Presence:
    def __init__(self, db: Database, away_on_disconnect_s: float = 60) -> None:
        self._db = db
        self._grace = away_on_disconnect_s
        self._sockets: defaultdict[int, set[str]] = defaultdict(set)
        self._status: dict[int, str] = {}
        self._dropped: dict[int, str] = {}  # agent -> status before their console dropped (in the grace)
        self._timers: dict[int, asyncio.TimerHandle] = {}  # wrap-up end or grace end, one per agent
        self._tasks: set[asyncio.Task[None]] = set()
        self._heartbeat: asyncio.Task[None] | None = None

    def configure(self, away_on_disconnect_s: float) -> None:
        self._grace = away_on_disconnect_s

    def online_ids(self) -> list[int]:
        return list(self._status)

    def is_online(self, agent_id: int) -> bool:
        return agent_id in self._status

    def available_ids(self) -> list[int]:
        return [a for a, status in self._status.items() if status == "available"]

    def socket_count(self) -> int:
        return sum(len(sids) for sids in self._sockets.values())

    def any_available(self) -> bool:
        return any(status == "available" for status in self._status.values())

    def status_of(self, agent_id: int) -> str:
        return self._status.get(agent_id, "offline")

    async def set_status(self, agent_id: int, status: str) -> None:
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        if agent_id not in self._sockets or self._status.get(agent_id) == status:
            return
        self._cancel_timer(agent_id)
        await self._set(agent_id, status)

    async def missed_offer(self, agent_id: int) -> None:
        """Someone who lets an offer pass is probably not at their desk: stop offering them work."""
        if self._status.get(agent_id) == "available":
            await self._set(agent_id, "away", reason="missed_offer")  # the console says why and how to come back

    async def wrap_up(self, agent_id: int, seconds: float) -> None:
        """After-contact work: not offered anything for `seconds`, then available again."""
        if self._status.get(agent_id) != "available" or seconds <= 0:
            return
        await self._set(agent_id, WRAP_UP)
        self._later(agent_id, seconds, self._end_wrap_up)

    async def _end_wrap_up(self, agent_id: int) -> None:
        if self._status.get(agent_id) == WRAP_UP:
            await self._set(agent_id, "available")

    async def reset(self) -> None:
        """At start-up nobody is connected to this process yet; agents whose process died are offline. (Agents
        kept fresh by another running process stay as they are.)"""
        stale = utcnow() - timedelta(seconds=STALE_S)
        async with self._db.write() as uow:
            await uow.session.execute(
                update(Agent)
                .where(Agent.presence != "offline", or_(Agent.last_seen_at.is_(None), Agent.last_seen_at < stale))
                .values(presence="offline")
            )

    async def start(self) -> None:
        self._heartbeat = asyncio.create_task(self._beat(), name="hub-presence-heartbeat")

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            online = list(self._status)
            if not online:
                continue
            try:
                async with self._db.write() as uow:
                    await uow.session.execute(update(Agent).where(Agent.id.in_(online)).values(last_seen_at=utcnow()))
            except Exception:
                log.exception("presence heartbeat failed; retrying in %s s", HEARTBEAT_S)

    async def connected(self, agent_id: int, sid: str) -> None:
        first = not self._sockets.get(agent_id)
        self._sockets[agent_id].add(sid)
        if not first:
            return
        self._cancel_timer(agent_id)
        # Back within the grace: the status they had; otherwise opening the console means ready for work.
        await self._set(agent_id, self._dropped.pop(agent_id, "available"))

    async def disconnected(self, agent_id: int, sid: str) -> None:
        sids = self._sockets.get(agent_id)
        if sids is None:
            return
        sids.discard(sid)
        if sids:
            return
        del self._sockets[agent_id]
        self._cancel_timer(agent_id)
        before = self._status.get(agent_id, "available")
        if self._grace <= 0:
            await self._go_offline(agent_id)
            return
        self._dropped[agent_id] = "available" if before == WRAP_UP else before
        await self._set(agent_id, "away")
        self._later(agent_id, self._grace, self._go_offline)

    async def _go_offline(self, agent_id: int) -> None:
        if self._sockets.get(agent_id):
            return
        self._dropped.pop(agent_id, None)
        self._status.pop(agent_id, None)
        await self._store(agent_id, "offline")

    async def stop(self) -> None:
        await cancel(self._heartbeat)
        for handle in self._timers.values():
            handle.cancel()
        self._timers.clear()
        for task in list(self._tasks):
            task.cancel()

    def _later(self, agent_id: int, seconds: float, then: Callable[[int], Coroutine[Any, Any, None]]) -> None:
        def fire() -> None:
            self._timers.pop(agent_id, None)
            task = asyncio.create_task(then(agent_id))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        self._cancel_timer(agent_id)
        self._timers[agent_id] = asyncio.get_running_loop().call_later(seconds, fire)

    def _cancel_timer(self, agent_id: int) -> None:
        handle = self._timers.pop(agent_id, None)
        if handle is not None:
            handle.cancel()

    async def _set(self, agent_id: int, status: str, reason: str = "") -> None:
        self._status[agent_id] = status
        await self._store(agent_id, status, reason)

    async def _store(self, agent_id: int, presence: str, reason: str = "") -> None:
        now = utcnow()
        # The clock of the state restarts only when the state changes (another process may have set it).
        changed = or_(Agent.presence != presence, Agent.presence_since.is_(None))
        since = case((changed, now), else_=Agent.presence_since)
        async with self._db.write() as uow:
            await uow.session.execute(
                update(Agent)
                .where(Agent.id == agent_id)
                .values(presence=presence, last_seen_at=now, presence_since=since)
            )
            uow.emit(AgentStatusChanged(agent_id, presence, reason))
