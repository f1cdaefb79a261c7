"""Console sockets never outlive their credentials: closed when an agent is deactivated, a token revoked or a
session signed out (in this process at once, in others through Redis), and re-checked on every event a socket
sends and by a periodic sweep, which catches revocations made where no message reaches us."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select

from hub.agents.accounts import token_usable
from hub.background import cancel
from hub.bus import EventBus
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Agent, ApiToken, ConsoleSession
from hub.events import CredentialsRevoked

log = logging.getLogger(__name__)
# How late a revocation made without Redis (another process, the CLI) or a session's expiry closes a socket
# that sends nothing; sockets that send anything are re-checked at once.
SWEEP_S = 10.0


@dataclass(frozen=True, slots=True)
class Credential:
    """What a socket connected with: a console session (by its digest) or an API token (by its id)."""

    role: str
    agent_id: int | None = None
    session_hash: str | None = None
    token_id: int | None = None


class SocketGuard:
    def __init__(self, db: Database, close: Callable[[str], Awaitable[None]], sweep_s: float = SWEEP_S) -> None:
        self._db = db
        self._close = close
        self._sweep_s = sweep_s
        self._sockets: dict[str, Credential] = {}
        self._task: asyncio.Task[None] | None = None
        self._closing: set[asyncio.Task[None]] = set()

    def register(self, sid: str, credential: Credential) -> None:
        self._sockets[sid] = credential

    def forget(self, sid: str) -> None:
        self._sockets.pop(sid, None)

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(CredentialsRevoked, self.revoked)

    async def revoked(self, event: CredentialsRevoked) -> None:
        """Close this process's sockets opened with what was taken back."""
        hashes = set(event.session_hashes)
        doomed = [
            sid
            for sid, c in self._sockets.items()
            if (event.agent_id is not None and c.agent_id == event.agent_id)
            or (event.token_id is not None and c.token_id == event.token_id)
            or (c.session_hash is not None and c.session_hash in hashes)
        ]
        await self._close_all(doomed)

    async def still_valid(self, sid: str) -> bool:
        """Before acting on what a socket sent: is what it connected with still good? If not, it is closed."""
        credential = self._sockets.get(sid)
        if credential is None:
            return False
        if await self._valid([credential]):
            return True
        # Closed just after this event is answered, so the console hears why its action was refused.
        self.forget(sid)
        closing = asyncio.create_task(self._close_all([sid]), name="hub-socket-signed-out")
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)
        return False

    async def start(self) -> None:
        self._task = asyncio.create_task(self._sweep_forever(), name="hub-socket-guard")

    async def stop(self) -> None:
        await cancel(self._task)
        for task in list(self._closing):
            await cancel(task)

    async def sweep(self) -> None:
        sockets = list(self._sockets.items())
        if not sockets:
            return
        good = await self._valid([c for _, c in sockets])
        await self._close_all([sid for sid, c in sockets if c not in good])

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self._sweep_s)
            try:
                await self.sweep()
            except Exception:
                log.exception("checking console sockets' credentials failed; again in %s s", self._sweep_s)

    async def _valid(self, credentials: Iterable[Credential]) -> set[Credential]:
        """The credentials still good, in two reads whatever their number: a session must exist, be unexpired
        and belong to an active agent whose role is the one the socket joined its rooms with."""
        wanted = list(credentials)
        hashes = {c.session_hash for c in wanted if c.session_hash is not None}
        token_ids = {c.token_id for c in wanted if c.token_id is not None}
        sessions: dict[str, str] = {}
        tokens: dict[int, str] = {}
        async with self._db.read() as s:
            if hashes:
                rows = await s.execute(
                    select(ConsoleSession.token_hash, Agent.role)
                    .join(Agent, Agent.id == ConsoleSession.agent_id)
                    .where(ConsoleSession.token_hash.in_(hashes), ConsoleSession.expires_at > utcnow(), Agent.active)
                )
                sessions = {row[0]: row[1] for row in rows}
            if token_ids:
                found = await s.execute(
                    select(ApiToken.id, ApiToken.role).where(ApiToken.id.in_(token_ids), token_usable())
                )
                tokens = {row[0]: row[1] for row in found}
        return {
            c
            for c in wanted
            if (c.session_hash is not None and sessions.get(c.session_hash) == c.role)
            or (c.token_id is not None and tokens.get(c.token_id) == c.role)
        }

    async def _close_all(self, sids: list[str]) -> None:
        for sid in sids:
            self.forget(sid)
            try:
                await self._close(sid)
            except Exception:  # already gone: nothing left to close
                log.debug("closing console socket %s failed", sid, exc_info=True)
