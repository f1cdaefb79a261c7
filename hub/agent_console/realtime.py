"""The /agent socket.io namespace: who may connect, which rooms they join, and what they may send."""

from __future__ import annotations

import logging
from typing import Any

import socketio
from sqlalchemy import select

from hub.agent_console.collision import Collision
from hub.agent_console.feed import NAMESPACE, EventIds
from hub.agent_console.revocation import Credential, SocketGuard
from hub.agents.accounts import digest
from hub.agents.presence import Presence
from hub.api.auth import principal_from_credentials, session_token_from_environ
from hub.db.engine import Database
from hub.db.ids import MAX_ID, BadId, json_id
from hub.db.models import Queue, QueueMember, Ticket
from hub.rooms import SUPERVISORS_ROOM, VISITOR_NAMESPACE, agent_room, queue_room, ticket_room

log = logging.getLogger(__name__)
ROLES = ("agent", "supervisor")  # who may open the socket at all


async def queues_for(db: Database, agent_id: int | None, all_queues: bool) -> list[str]:
    """The queues whose rooms a console joins: every queue for supervisors, the agent's own otherwise."""
    async with db.read() as s:
        names = list(await s.scalars(select(Queue.name).order_by(Queue.name)))
        if all_queues or agent_id is None:
            return names
        mine = list(
            await s.scalars(
                select(Queue.name)
                .join(QueueMember, QueueMember.queue_id == Queue.id)
                .where(QueueMember.agent_id == agent_id)
                .order_by(Queue.name)
            )
        )
    # An agent in no queue yet sees every queue, as a small team expects.
    return mine or names


_BAD_TICKET_ID = {"ok": False, "error": f'send {{"ticket_id": <a ticket id from 1 to {MAX_ID}>}}'}


def _ticket_id(data: Any) -> int | None:
    """The ticket an event names, or None when it names none that can exist (a bool, 10**30, "1", a list)."""
    try:
        return json_id(data.get("ticket_id") if isinstance(data, dict) else None, "ticket_id")
    except BadId:
        return None


class AgentNamespace(socketio.AsyncNamespace):  # type: ignore[misc]
    def __init__(self, db: Database, presence: Presence, ids: EventIds) -> None:
        super().__init__(NAMESPACE)
        self._db = db
        self._presence = presence
        self._ids = ids
        self.collision = Collision()
        self.guard = SocketGuard(db, self._signed_out)

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        token = auth.get("token") if isinstance(auth, dict) else None
        cookie = session_token_from_environ(environ)
        principal = await principal_from_credentials(
            self._db, f"Bearer {token}" if isinstance(token, str) else None, cookie
        )
        if principal is None or not principal.has_role(*ROLES):
            return False
        by_token = principal.kind == "token"
        self.guard.register(
            sid,
            Credential(
                principal.role,
                agent_id=principal.agent_id,
                session_hash=None if by_token or cookie is None else digest(cookie),
                token_id=principal.id if by_token else None,
            ),
        )
        supervisor = principal.has_role("supervisor")
        queues = await queues_for(self._db, principal.agent_id, supervisor)
        for name in queues:
            await self.enter_room(sid, queue_room(name))
        if supervisor:
            await self.enter_room(sid, SUPERVISORS_ROOM)  # live queue statistics, coaching notes
        await self.save_session(sid, {"agent_id": principal.agent_id, "name": principal.name})
        if principal.agent_id is not None:
            await self.enter_room(sid, agent_room(principal.agent_id))
            await self._presence.connected(principal.agent_id, sid)
        status = self._presence.status_of(principal.agent_id) if principal.agent_id is not None else "offline"
        # An id of its own (not merely the current one): a console keeps each id once, and an event sent in the
        # same microsecond would otherwise carry hello's id and be dropped as already seen.
        hello = {"agent_id": principal.agent_id, "queues": queues, "status": status, "eid": self._ids.next()}
        await self.emit("hello", hello, to=sid)
        return True

    async def _signed_out(self, sid: str) -> None:
        """Tell the console why (it goes to the sign-in page instead of reconnecting), then close."""
        await self.emit("signed_out", {"reason": "your access was ended; sign in again"}, to=sid)
        await self.disconnect(sid)

    async def on_disconnect(self, sid: str, *_: Any) -> None:
        self.guard.forget(sid)
        session = await self.get_session(sid)
        for ticket_id in self.collision.gone(sid):
            await self._announce_viewers(ticket_id)
        if session.get("agent_id") is not None:
            await self._presence.disconnected(session["agent_id"], sid)

    async def on_status(self, sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        """The agent chooses available, away or busy; only available agents are offered work."""
        if not await self.guard.still_valid(sid):
            return {"ok": False, "error": "signed out"}
        session = await self.get_session(sid)
        status = data.get("status") if isinstance(data, dict) else None
        if not isinstance(status, str):
            return {"ok": False, "error": 'send {"status": "available" | "away" | "busy"}'}
        if session.get("agent_id") is None:
            return {"ok": False, "error": "API tokens have no presence"}
        try:
            await self._presence.set_status(session["agent_id"], str(status))
        except ValueError as exc:
            return {"ok": False, "error": str(exc)}
        return {"ok": True, "status": self._presence.status_of(session["agent_id"])}

    async def on_watch(self, sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        ticket_id = _ticket_id(data)
        if ticket_id is None:
            return _BAD_TICKET_ID
        if not await self.guard.still_valid(sid):
            return {"ok": False, "error": "signed out"}
        async with self._db.read() as s:
            if await s.get(Ticket, ticket_id) is None:
                return {"ok": False, "error": "no such ticket"}
        session = await self.get_session(sid)
        await self.enter_room(sid, ticket_room(ticket_id))
        self.collision.opened(ticket_id, sid, session.get("agent_id"), session.get("name", ""))
        await self._announce_viewers(ticket_id)
        return {"ok": True, "viewers": self.collision.viewers(ticket_id)}

    async def on_unwatch(self, sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        ticket_id = _ticket_id(data)
        if ticket_id is None:
            return _BAD_TICKET_ID
        # Leaving a room needs no re-check: it only ever narrows what the socket hears.
        await self.leave_room(sid, ticket_room(ticket_id))
        if self.collision.closed(ticket_id, sid):
            await self._announce_viewers(ticket_id)
        return {"ok": True}

    async def on_typing(self, sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        ticket_id = _ticket_id(data)
        if ticket_id is None:
            return _BAD_TICKET_ID
        if ticket_room(ticket_id) not in self.rooms(sid):
            return {"ok": False, "error": "watch the ticket first"}  # only the tickets an agent has open
        if not await self.guard.still_valid(sid):
            return {"ok": False, "error": "signed out"}
        typing = bool(data.get("typing"))
        if data.get("internal") is not True:
            # The customer sees "typing…" for replies, never for internal notes.
            payload = {"ticket_id": ticket_id, "typing": typing, "who": "agent"}
            await self.server.emit("typing", payload, room=ticket_room(ticket_id), namespace=VISITOR_NAMESPACE)
        if self.collision.typing(ticket_id, sid, typing):
            await self._announce_viewers(ticket_id)
        return {"ok": True}

    async def _announce_viewers(self, ticket_id: int) -> None:
        payload = {"ticket_id": ticket_id, "viewers": self.collision.viewers(ticket_id), "eid": self._ids.next()}
        await self.emit("viewers", payload, room=ticket_room(ticket_id))
