"""The /agent socket.io namespace: rooms per queue and per ticket, fed by domain events."""

from __future__ import annotations

import logging
from typing import Any

import socketio
from sqlalchemy import select

from hub.agent_console.auth import principal_from_credentials, session_token_from_environ
from hub.agent_console.presence import Presence
from hub.bus import EventBus
from hub.channels.webchat.channel import ticket_room
from hub.db.engine import Database
from hub.db.models import Queue, QueueMember, Ticket
from hub.events import (
    AgentStatusChanged,
    DeliveryUpdated,
    MessageCreated,
    MessageReceived,
    TicketCreated,
    TicketUpdated,
)
from hub.routing.live_stats import SUPERVISORS_ROOM

log = logging.getLogger(__name__)
NAMESPACE = "/agent"


def queue_room(queue: str) -> str:
    return f"queue:{queue}"


def agent_room(agent_id: int) -> str:
    """One agent's sockets, all tabs: offers and their own presence changes go here."""
    return f"agent:{agent_id}"


class AgentNamespace(socketio.AsyncNamespace):  # type: ignore[misc]
    def __init__(self, db: Database, presence: Presence) -> None:
        super().__init__(NAMESPACE)
        self._db = db
        self._presence = presence

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        token = auth.get("token") if isinstance(auth, dict) else None
        principal = await principal_from_credentials(
            self._db, f"Bearer {token}" if isinstance(token, str) else None, session_token_from_environ(environ)
        )
        if principal is None or not principal.has_role("agent", "supervisor"):
            return False
        queues = await self._queues_for(principal.agent_id, principal.has_role("supervisor"))
        for name in queues:
            await self.enter_room(sid, queue_room(name))
        if principal.has_role("supervisor"):
            await self.enter_room(sid, SUPERVISORS_ROOM)  # live queue statistics
        await self.save_session(sid, {"agent_id": principal.agent_id, "name": principal.name})
        if principal.agent_id is not None:
            await self.enter_room(sid, agent_room(principal.agent_id))
            await self._presence.connected(principal.agent_id, sid)
        status = self._presence.status_of(principal.agent_id) if principal.agent_id is not None else "offline"
        await self.emit("hello", {"agent_id": principal.agent_id, "queues": queues, "status": status}, to=sid)
        return True

    async def _queues_for(self, agent_id: int | None, all_queues: bool) -> list[str]:
        async with self._db.read() as s:
            names = list(await s.scalars(select(Queue.name).order_by(Queue.name)))
            if all_queues or agent_id is None:
                return names
            mine = list(
                await s.scalars(
                    select(Queue.name)
                    .join(QueueMember, QueueMember.queue_id == Queue.id)
                    .where(QueueMember.agent_id == agent_id)
                )
            )
        # An agent in no queue yet sees every queue, as a small team expects.
        return mine or names

    async def on_disconnect(self, sid: str, *_: Any) -> None:
        session = await self.get_session(sid)
        if session.get("agent_id") is not None:
            await self._presence.disconnected(session["agent_id"], sid)

    async def on_status(self, sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        """The agent chooses available, away or busy; only available agents are offered work."""
        session = await self.get_session(sid)
        status = data.get("status") if isinstance(data, dict) else None
        if session.get("agent_id") is None:
            return {"ok": False, "error": "API tokens have no presence"}
        try:
            await self._presence.set_status(session["agent_id"], str(status))
        except ValueError as exc:
            return {"ok": False, "error": str(exc)}
        return {"ok": True, "status": self._presence.status_of(session["agent_id"])}

    async def on_watch(self, sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        ticket_id = data.get("ticket_id") if isinstance(data, dict) else None
        if not isinstance(ticket_id, int):
            return {"ok": False, "error": "ticket_id must be an integer"}
        async with self._db.read() as s:
            if await s.get(Ticket, ticket_id) is None:
                return {"ok": False, "error": "no such ticket"}
        await self.enter_room(sid, ticket_room(ticket_id))
        return {"ok": True}

    async def on_unwatch(self, sid: str, data: Any = None, *_extra: Any) -> None:
        if isinstance(data, dict) and isinstance(data.get("ticket_id"), int):
            await self.leave_room(sid, ticket_room(data["ticket_id"]))

    async def on_typing(self, sid: str, data: Any = None, *_extra: Any) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("ticket_id"), int):
            return
        if ticket_room(data["ticket_id"]) not in self.rooms(sid):
            return  # only the tickets an agent has open
        payload = {"ticket_id": data["ticket_id"], "typing": bool(data.get("typing")), "who": "agent"}
        await self.server.emit("typing", payload, room=ticket_room(data["ticket_id"]), namespace="/visitor")
        await self.emit("typing", payload, room=ticket_room(data["ticket_id"]), skip_sid=sid)


class ConsoleFeed:
    """Turns committed events into pushes to the rooms that care: O(subscribers), never O(agents)."""

    def __init__(self, sio: socketio.AsyncServer) -> None:
        self._sio = sio

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(TicketCreated, self._ticket)
        bus.subscribe(TicketUpdated, self._ticket)
        bus.subscribe(MessageReceived, self._message)
        bus.subscribe(MessageCreated, self._message)
        bus.subscribe(DeliveryUpdated, self._delivery)
        bus.subscribe(AgentStatusChanged, self._presence)

    async def _ticket(self, event: TicketCreated | TicketUpdated) -> None:
        rooms = [queue_room(event.ticket.queue), ticket_room(event.ticket.id)]
        await self._sio.emit(
            "ticket", {"event": event.name, "ticket": event.ticket.to_json()}, room=rooms, namespace=NAMESPACE
        )
        offer = event.ticket.assignment
        if offer.get("state") == "offered" and event.ticket.assignee_id is not None:
            payload = {
                "ticket": event.ticket.to_json(),
                "expires_at": offer.get("expires_at"),
                "why": offer.get("reasons"),
            }
            await self._sio.emit("offer", payload, room=agent_room(event.ticket.assignee_id), namespace=NAMESPACE)

    async def _presence(self, event: AgentStatusChanged) -> None:
        # The hub changes presence too (wrap-up, away after a missed offer): every tab shows it.
        await self._sio.emit(
            "presence", {"status": event.presence}, room=agent_room(event.agent_id), namespace=NAMESPACE
        )

    async def _message(self, event: MessageReceived | MessageCreated) -> None:
        payload = {"event": event.name, "ticket": event.ticket.to_json(), "interaction": event.interaction.to_json()}
        rooms = [queue_room(event.ticket.queue), ticket_room(event.ticket.id)]
        await self._sio.emit("message", payload, room=rooms, namespace=NAMESPACE)

    async def _delivery(self, event: DeliveryUpdated) -> None:
        payload = {
            "ticket_id": event.ticket_id,
            "interaction_id": event.interaction_id,
            "status": event.status,
            "error": event.error,
        }
        await self._sio.emit(
            "delivery", payload, room=[queue_room(event.queue), ticket_room(event.ticket_id)], namespace=NAMESPACE
        )
