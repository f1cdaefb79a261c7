"""Who is working: console sockets per agent and the status they chose (available, away, busy)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import update

from hub.db.engine import Database
from hub.db.models import Agent
from hub.db.types import utcnow
from hub.events import AgentStatusChanged

STATUSES = ("available", "away", "busy")


class Presence:
    """O(1) per change. An agent is connected while any of their sockets is; only "available" agents
    are offered work; the last socket closing makes them offline, whatever they had chosen."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sockets: defaultdict[int, set[str]] = defaultdict(set)
        self._status: dict[int, str] = {}

    def online_ids(self) -> list[int]:
        return list(self._sockets)

    def is_online(self, agent_id: int) -> bool:
        return agent_id in self._sockets

    def available_ids(self) -> list[int]:
        return [a for a in self._sockets if self._status.get(a) == "available"]

    def any_available(self) -> bool:
        return any(status == "available" for status in self._status.values())

    def status_of(self, agent_id: int) -> str:
        return self._status.get(agent_id, "offline") if agent_id in self._sockets else "offline"

    async def set_status(self, agent_id: int, status: str) -> None:
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        if agent_id not in self._sockets or self._status.get(agent_id) == status:
            return
        self._status[agent_id] = status
        await self._store(agent_id, status)

    async def reset(self) -> None:
        """At start-up nobody is connected to this process yet."""
        async with self._db.write() as uow:
            await uow.session.execute(update(Agent).where(Agent.presence != "offline").values(presence="offline"))

    async def connected(self, agent_id: int, sid: str) -> None:
        first = agent_id not in self._sockets
        self._sockets[agent_id].add(sid)
        if first:
            self._status[agent_id] = "available"  # opening the console means ready for work
            await self._store(agent_id, "available")

    async def disconnected(self, agent_id: int, sid: str) -> None:
        sids = self._sockets.get(agent_id)
        if sids is None:
            return
        sids.discard(sid)
        if not sids:
            del self._sockets[agent_id]
            self._status.pop(agent_id, None)
            await self._store(agent_id, "offline")

    async def _store(self, agent_id: int, presence: str) -> None:
        async with self._db.write() as uow:
            await uow.session.execute(
                update(Agent).where(Agent.id == agent_id).values(presence=presence, last_seen_at=utcnow())
            )
            uow.emit(AgentStatusChanged(agent_id, presence))
