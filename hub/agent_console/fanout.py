"""socket.io managers that send an event to a room without a task per recipient.

python-socketio encodes a room event once but starts one asyncio task per recipient to queue it; with
2,000 console sockets that is the whole cost of a busy second. Queueing a packet on an engine.io socket
never waits (its queue is unbounded; the socket's own writer task sends it), so we queue them in a plain
loop: the same packets in the same order, a fraction of the work.
"""

from __future__ import annotations

from typing import Any

import socketio
from engineio import packet as eio_packet
from socketio import packet


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
        args = list(data) if isinstance(data, tuple) else [] if data is None else [data]
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        encoded = self.server.packet_class(packet.EVENT, namespace=namespace, data=[event, *args]).encode()
        frames = [
            eio_packet.Packet(eio_packet.MESSAGE, p) for p in (encoded if isinstance(encoded, list) else [encoded])
        ]
        for sid, eio_sid in self.get_participants(namespace, to or room):
            if sid not in skip:
                for frame in frames:
                    await self.server._send_eio_packet(eio_sid, frame)


class RedisDirectEmit(socketio.AsyncRedisManager, DirectEmit):  # type: ignore[misc]
    """Through Redis to every process; each process then sends to its own sockets as above."""
