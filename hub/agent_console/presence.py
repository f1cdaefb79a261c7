"""Which agents have the console open: counted per socket, stored on the agent row on change."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import update

from hub.db.engine import Database
from hub.db.models import Agent
from hub.db.types import utcnow
from hub.events import AgentStatusChanged


class Presence:
    """O(1) per connect/disconnect; an agent is online while any of their sockets is."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sockets: defaultdict[int, set[str]] = defaultdict(set)

    def any_online(self) -> bool:
        return bool(self._sockets)

    def online_ids(self) -> list[int]:
        return list(self._sockets)

    def is_online(self, agent_id: int) -> bool:
        return agent_id in self._sockets

    async def reset(self) -> None:
        """At start-up nobody is connected to this process yet."""
        async with self._db.write() as uow:
            await uow.session.execute(update(Agent).where(Agent.presence != "offline").values(presence="offline"))

    async def connected(self, agent_id: int, sid: str) -> None:
        first = agent_id not in self._sockets
        self._sockets[agent_id].add(sid)
        if first:
            await self._store(agent_id, "online")

    async def disconnected(self, agent_id: int, sid: str) -> None:
        sids = self._sockets.get(agent_id)
        if sids is None:
            return
        sids.discard(sid)
        if not sids:
            del self._sockets[agent_id]
            await self._store(agent_id, "offline")

    async def _store(self, agent_id: int, presence: str) -> None:
        async with self._db.write() as uow:
            await uow.session.execute(
                update(Agent).where(Agent.id == agent_id).values(presence=presence, last_seen_at=utcnow())
            )
            uow.emit(AgentStatusChanged(agent_id, presence))
