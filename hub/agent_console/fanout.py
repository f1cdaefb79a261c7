"""socket.io managers that send an event to a room without a task per recipient, and across processes encoded once.

python-socketio encodes a room event once but starts one asyncio task per recipient to queue it; with
2,000 console sockets that is the whole cost of a busy second. Queueing a packet on an engine.io socket
never waits (its queue is unbounded; the socket's own writer task sends it), so we queue them in a plain
loop: the same packets in the same order, a fraction of the work. Between processes, events travel in the
relay's format (hub/agent_console/relay.py): a process reads only the headers of what is not for its sockets.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from typing import Any

import socketio
from engineio import packet as eio_packet
from socketio import packet

from hub.agent_console import relay

log = logging.getLogger(__name__)


def _frames(encoded: str | list[Any]) -> list[eio_packet.Packet]:
    # One engine.io packet per emit, shared by every recipient: it caches its own encoding.
    return [eio_packet.Packet(eio_packet.MESSAGE, p) for p in (encoded if isinstance(encoded, list) else [encoded])]


class DirectEmit(socketio.AsyncManager):  # type: ignore[misc]
    async def emit(
        self,
        event: str,
        data: Any,
        namespace: str,
        room: Any = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: Any = None,
        **kwargs: Any,
    ) -> None:
        if callback is not None or namespace not in self.rooms:
            await super().emit(event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, to=to,
                               **kwargs)  # fmt: skip
            return
        await self.send_here(namespace, to or room, skip_sid, _frames(self.encode(event, data, namespace)))

    def encode(self, event: str, data: Any, namespace: str) -> str | list[Any]:
        """The event's socket.io packet (a list of packets when the data holds bytes)."""
        args = list(data) if isinstance(data, tuple) else [] if data is None else [data]
        encoded: str | list[Any] = self.server.packet_class(
            packet.EVENT, namespace=namespace, data=[event, *args]
        ).encode()
        return encoded

    async def send_here(self, namespace: str, room: Any, skip_sid: Any, frames: list[eio_packet.Packet]) -> None:
        """Queue the packets on this process's sockets in the room (rooms, or the whole namespace for None)."""
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        for sid, eio_sid in self.get_participants(namespace, room):
            if sid not in skip:
                for frame in frames:
                    await self.server._send_eio_packet(eio_sid, frame)

    async def emit_here(self, event: str, data: Any, namespace: str) -> None:
        """To every socket of this process in the namespace, and to no other process's (a process stopping tells
        its own consoles to reconnect; the other processes' consoles stay where they are)."""
        if namespace in self.rooms:  # nobody connected to it here yet
            await self.send_here(namespace, None, None, _frames(self.encode(event, data, namespace)))

    def has_sockets(self, namespace: str, room: Any) -> bool:
        """Whether a socket of this process is in the room (any of the rooms; None: in the namespace)."""
        here = self.rooms.get(namespace)
        if not here:
            return False
        if isinstance(room, list):
            return any(r in here for r in room)
        return room in here


class RedisDirectEmit(socketio.AsyncRedisManager, DirectEmit):  # type: ignore[misc]
    """Through Redis to every other process, each sending to its own sockets as above. An event's packet is encoded
    once, by its sender; what one loop tick emits goes in one publication; a process skips its own publications and,
    reading the header alone, the events for rooms where it has no socket. An event for one socket of this process is
    not published at all (a sid lives in one process). `counts` says what went by (for the tests and benches)."""

    connected: bool  # python-socketio's: whether self.redis is made
    redis: Any

    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self._outbox = relay.Outbox(self.host_id)
        self._sender: asyncio.Task[None] | None = None
        self.counts: Counter[str] = Counter()

    async def emit(
        self,
        event: str,
        data: Any,
        namespace: str | None = None,
        room: Any = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: Any = None,
        **kwargs: Any,
    ) -> None:
        room = to or room
        namespace = namespace or "/"
        if callback is not None or kwargs.get("ignore_queue"):
            await super().emit(event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, **kwargs)
            return
        encoded = self.encode(event, data, namespace)
        if isinstance(encoded, list):  # bytes in the data: python-socketio's own way (base64 in JSON)
            await super().emit(event, data, namespace, room=room, skip_sid=skip_sid, **kwargs)
            return
        await self.send_here(namespace, room, skip_sid, _frames(encoded))
        if isinstance(room, str) and self.eio_sid_from_sid(room, namespace) is not None:
            self.counts["kept_here"] += 1  # a socket of this process: no other process has it
            return
        skip = skip_sid if isinstance(skip_sid, list) else None if skip_sid is None else [skip_sid]
        self._outbox.add_event(namespace, room, skip, encoded)
        self._publish_soon()
        if room is None:
            await self.flush()  # the whole namespace: out before this process may stop

    async def _publish(self, data: dict[str, Any]) -> None:
        """python-socketio's other messages (disconnect, rooms, callbacks) keep their order among the events."""
        self._outbox.add_message(data)
        self._publish_soon()

    def _publish_soon(self) -> None:
        if self._sender is None:
            # A task starts after the current step of the loop: what the step emits goes in one publication.
            self._sender = asyncio.create_task(self._send())

    async def _send(self) -> None:
        try:
            while self._outbox:
                self.counts["events_out"] += self._outbox.events
                self._outbox.events = 0
                await self._publish_raw(self._outbox.take())
                self.counts["publications"] += 1
        finally:
            self._sender = None

    async def _publish_raw(self, publication: bytes) -> None:
        """AsyncRedisManager._publish without its JSON: two attempts, then the publication is given up (logged)."""
        for attempt in (1, 2):
            try:
                if not self.connected:
                    self._redis_connect()
                await self.redis.publish(self.channel, publication)
                return
            except Exception as exc:  # Redis away: said once a try, without a traceback each time (as socket.io does)
                log.error("cannot publish console events to Redis (try %d of 2): %s", attempt, exc)
                self.connected = False

    async def flush(self) -> None:
        """Wait until everything emitted so far is published."""
        while self._sender is not None:
            await asyncio.shield(self._sender)

    async def _listen(self) -> Any:
        async for publication in super()._listen():
            if not relay.is_relayed(publication):
                yield publication  # python-socketio's own format: its listener decodes it
            elif relay.sender_of(publication) == self.host_id:
                self.counts["own_skipped"] += 1
            else:
                try:
                    for frame in relay.frames(publication):
                        if isinstance(frame, dict):
                            yield frame  # python-socketio's listener handles its messages
                        else:
                            await self._receive(frame)
                except Exception:  # the listener goes on with the next publication whatever this one did
                    log.exception("a console events publication could not be delivered; the rest of it is dropped")

    async def _receive(self, event: relay.Event) -> None:
        if not self.has_sockets(event.namespace, event.rooms):
            self.counts["dropped"] += 1  # no socket here in its rooms: the packet is never decoded
            return
        self.counts["delivered"] += 1
        await self.send_here(event.namespace, event.rooms, event.skip, _frames(event.packet()))
