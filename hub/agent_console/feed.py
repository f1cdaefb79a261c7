"""Committed events pushed to the console rooms that care, each with an increasing event id.

O(subscribers of what changed), never O(agents): a ticket's events go to its queue's room, its own room
and the rooms of the agents it concerns. The ids let a console tell a snapshot's age from an event's: a
console that reconnects fetches state (stamped with the id current before the read) and applies only the
events newer than it.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import socketio
from aiohttp import web

from hub.bus import EventBus
from hub.events import (
    AgentStatusChanged,
    DeliveryUpdated,
    MessageCreated,
    MessageReceived,
    TicketCreated,
    TicketUpdated,
)
from hub.rooms import AGENT_NAMESPACE, SUPERVISORS_ROOM, agent_room, queue_room, ticket_room

NAMESPACE = AGENT_NAMESPACE


class EventIds:
    """Increasing ids: microseconds since the epoch, bumped past the last one (so two hub processes' ids
    interleave in time order, and a restart never reuses one)."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        self._last = max(self._last + 1, time.time_ns() // 1000)
        return self._last

    def current(self) -> int:
        return max(self._last, time.time_ns() // 1000)


EVENT_IDS = web.AppKey("event_ids", EventIds)


class ConsoleFeed:
    """Sends an event to a room at once when that room is quiet (nothing sent to it for BATCH_WINDOW_S). Events for
    a room that got a frame less than BATCH_WINDOW_S ago are gathered and go out together when its window ends, as
    one `batch` event ([[name, payload], ...]): at most one frame per room per window (but for a busy room, below),
    each room's events in order. A console in two of the rooms may get an event twice; the id tells.

    A busy room's batch does not wait for its window to end once it holds EVENTS_PER_FRAME events and MIN_WINDOW_S
    have passed since the room's last frame (checked as events come): a burst's events wait about as long as
    EVENTS_PER_FRAME of them take to come. So a room gets at most 1 / BATCH_WINDOW_S frames a second up to
    EVENTS_PER_FRAME / BATCH_WINDOW_S events a second, above that at most about its rate / EVENTS_PER_FRAME, and
    never more than 1 / MIN_WINDOW_S."""

    # 100 ms is below what an agent notices, and it is what lets a busy centre's consoles keep up: at 20 ms a
    # day of 20 contacts/s sent each of 200 consoles ~50 frames/s, and the socket writes were the largest
    # share of two processes' CPU (see "A compressed day" in docs/performance.md).
    BATCH_WINDOW_S = 0.1
    # A frame's cost per socket is mostly the same whatever it carries: a room above 100 events/s (a burst) may
    # get more frames, each carrying at least 10 events, as a room at 100 events/s does with 100 ms windows.
    EVENTS_PER_FRAME = 10
    MIN_WINDOW_S = 0.025  # at most 40 frames a second, however busy the room
    # A room whose window ends within this much is sent with the others due now, not after one more sleep.
    _SLACK_S = 0.002

    def __init__(self, sio: socketio.AsyncServer, ids: EventIds) -> None:
        self._sio = sio
        self._ids = ids
        self._pending: dict[str, list[list[Any]]] = {}
        self._last_send: dict[str, float] = {}  # room -> when it last got a frame (pruned once its window is over)
        self._prune_at = 1024
        self._flush: asyncio.Task[None] | None = None

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(TicketCreated, self._ticket)
        bus.subscribe(TicketUpdated, self._ticket)
        bus.subscribe(MessageReceived, self._message)
        bus.subscribe(MessageCreated, self._message)
        bus.subscribe(DeliveryUpdated, self._delivery)
        bus.subscribe(AgentStatusChanged, self._presence)

    async def _emit(self, name: str, payload: dict[str, Any], rooms: list[str]) -> None:
        payload["eid"] = self._ids.next()
        now = time.monotonic()
        window = self.BATCH_WINDOW_S
        at_once: list[str] = []
        full: list[tuple[str, list[list[Any]]]] = []
        for room in dict.fromkeys(rooms):
            pending = self._pending.get(room)
            if pending is not None:
                pending.append([name, payload])  # after what the room already waits with: order kept
                if len(pending) >= self.EVENTS_PER_FRAME and now - self._last_send[room] >= self.MIN_WINDOW_S:
                    full.append((room, self._pending.pop(room)))  # a burst: no need to wait for the window's end
                    self._last_send[room] = now
            elif now - self._last_send.get(room, -window) >= window:
                at_once.append(room)
                self._last_send[room] = now
            else:
                self._pending[room] = [[name, payload]]
        if self._pending and self._flush is None:
            self._flush = asyncio.create_task(self._send_batches())
        if len(self._last_send) > self._prune_at:
            self._last_send = {r: t for r, t in self._last_send.items() if now - t < window or r in self._pending}
            self._prune_at = max(1024, 2 * len(self._last_send))  # pruning stays O(1) per event, amortized
        for room, events in full:
            await self._sio.emit("batch", events, room=room, namespace=NAMESPACE)
        if at_once:
            await self._sio.emit(name, payload, room=at_once, namespace=NAMESPACE)

    async def _send_batches(self) -> None:
        while self._pending:
            window = self.BATCH_WINDOW_S
            due = min(self._last_send[room] for room in self._pending) + window
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            now = time.monotonic()
            ready = [room for room in self._pending if self._last_send[room] + window <= now + self._SLACK_S]
            for room in ready:
                events = self._pending.pop(room)
                self._last_send[room] = now
                if len(events) == 1:
                    await self._sio.emit(events[0][0], events[0][1], room=room, namespace=NAMESPACE)
                else:
                    await self._sio.emit("batch", events, room=room, namespace=NAMESPACE)
        self._flush = None

    async def drain(self) -> None:
        """Send what is gathered now (stopping)."""
        if self._flush is not None:
            await self._flush  # at most one window away

    async def _ticket(self, event: TicketCreated | TicketUpdated) -> None:
        ticket = event.ticket
        rooms = [queue_room(ticket.queue), ticket_room(ticket.id)]
        if ticket.assignee_id is not None:
            rooms.append(agent_room(ticket.assignee_id))  # "mine" stays right outside the agent's queues
        before = event.before if isinstance(event, TicketUpdated) else None
        if before is not None:
            rooms.append(queue_room(before[0]))
            if before[1] is not None:
                rooms.append(agent_room(before[1]))
        await self._emit("ticket", {"event": event.name, "ticket": ticket.to_json()}, rooms)
        offer = ticket.assignment
        if offer.get("state") == "offered" and ticket.assignee_id is not None:
            payload = {"ticket": ticket.to_json(), "expires_at": offer.get("expires_at"), "why": offer.get("reasons")}
            await self._emit("offer", payload, [agent_room(ticket.assignee_id)])

    async def _presence(self, event: AgentStatusChanged) -> None:
        # The hub changes presence too (wrap-up, away after a missed offer): every tab shows it.
        await self._emit(
            "presence",
            {"agent_id": event.agent_id, "status": event.presence, "reason": event.reason},
            [agent_room(event.agent_id)],
        )

    async def _message(self, event: MessageReceived | MessageCreated) -> None:
        message = event.interaction
        payload = {"event": event.name, "ticket": event.ticket.to_json(), "interaction": message.to_json()}
        coach_for = message.meta.get("coach_for") if message.direction == "note" else None
        if isinstance(coach_for, int):
            # Coaching is between a supervisor and one agent: not in the ticket's or the queue's rooms.
            await self._emit("message", payload, [agent_room(coach_for), SUPERVISORS_ROOM])
            return
        rooms = [queue_room(event.ticket.queue), ticket_room(event.ticket.id)]
        if event.ticket.assignee_id is not None:
            rooms.append(agent_room(event.ticket.assignee_id))
        await self._emit("message", payload, rooms)
        mentions = message.meta.get("mentions") if message.direction == "note" else None
        if mentions:
            note = {"ticket": event.ticket.to_json(), "interaction_id": message.id, "by": message.meta.get("author"),
                    "text": message.text[:280]}  # fmt: skip
            await self._emit("mention", note, [agent_room(int(a)) for a in mentions])

    async def _delivery(self, event: DeliveryUpdated) -> None:
        payload = {
            "ticket_id": event.ticket_id,
            "interaction_id": event.interaction_id,
            "status": event.status,
            "error": event.error,
            "next_attempt_at": event.next_attempt_at.isoformat() if event.next_attempt_at else None,
            "problem": event.problem,
        }
        await self._emit("delivery", payload, [queue_room(event.queue), ticket_room(event.ticket_id)])
