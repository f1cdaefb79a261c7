"""The wire format of socket.io events between hub processes: one publication per loop tick, each event's packet
encoded once by its sender, and a header a receiver reads before deciding whether the event concerns it.

python-socketio's Redis manager sends every event as a JSON object holding the event's data: each process, the
sender too, read it back, decoded all of it, and encoded the packet again, even where no socket was in the event's
rooms (two thirds of a day's events, docs/performance.md "A compressed day"). Here a publication is

    MAGIC, the sender's host id (32 bytes), then frames:
    b"E" [namespace, rooms, skip_sids, n] "\\n" and the socket.io packet's n bytes, as its sockets get it;
    b"M" a python-socketio message (disconnect, enter_room, callback, ...) as JSON "\\n".

so a process skips its own publications by their first bytes and an event for rooms it has no socket in by its
header: neither is decoded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# Not JSON: a publication in python-socketio's own format (an older hub, a write-only emitter) is told apart by it.
MAGIC = b"\x00hub-relay-1\x00"
HOST_ID_BYTES = 32  # python-socketio's host id: uuid4().hex
_START = len(MAGIC) + HOST_ID_BYTES

Rooms = str | list[str] | None  # None: every socket in the namespace


class BadPublication(ValueError):
    """A publication that says it is ours but cannot be read (a truncated or foreign one)."""


@dataclass(frozen=True, slots=True)
class Event:
    """An emitted event as a receiver sees it; its packet is decoded only if a socket here is in its rooms."""

    namespace: str
    rooms: Rooms
    skip: list[str] | None
    _data: bytes
    _start: int
    _end: int

    def packet(self) -> str:
        """The socket.io packet, exactly as the sender's own sockets got it."""
        return self._data[self._start : self._end].decode()


class Outbox:
    """What a process has to publish, in emit order, taken as one publication."""

    def __init__(self, host_id: str) -> None:
        sender = host_id.encode()
        if len(sender) != HOST_ID_BYTES:
            raise ValueError(f"a host id is {HOST_ID_BYTES} characters, not {len(sender)}")
        self._head = MAGIC + sender
        self._parts: list[bytes] = []
        self.events = 0

    def __bool__(self) -> bool:
        return bool(self._parts)

    def add_event(self, namespace: str, rooms: Rooms, skip: list[str] | None, packet: str) -> None:
        body = packet.encode()
        header = json.dumps([namespace, rooms, skip, len(body)], separators=(",", ":"))
        self._parts += (b"E", header.encode(), b"\n", body)
        self.events += 1

    def add_message(self, message: dict[str, Any]) -> None:
        self._parts += (b"M", json.dumps(message, separators=(",", ":")).encode(), b"\n")

    def take(self) -> bytes:
        publication = b"".join([self._head, *self._parts])
        self._parts = []
        return publication


def is_relayed(publication: Any) -> bool:
    return isinstance(publication, bytes) and publication.startswith(MAGIC)


def sender_of(publication: bytes) -> str:
    return publication[len(MAGIC) : _START].decode("ascii", "replace")


def frames(publication: bytes) -> Iterator[Event | dict[str, Any]]:
    """The publication's events and python-socketio messages, in the order they were added."""
    at, size = _START, len(publication)
    while at < size:
        kind, line_end = publication[at : at + 1], publication.find(b"\n", at)
        if line_end < 0:
            raise BadPublication(f"a frame's header has no end (byte {at})")
        try:
            header = json.loads(publication[at + 1 : line_end])
        except ValueError as exc:
            raise BadPublication(f"a frame's header is not JSON (byte {at})") from exc
        if kind == b"M" and isinstance(header, dict):
            yield header
            at = line_end + 1
        elif kind == b"E" and _is_event_header(header):
            namespace, rooms, skip, length = header
            start = line_end + 1
            at = start + length
            if at > size:
                raise BadPublication(f"an event's packet is cut short (byte {start})")
            yield Event(namespace, rooms, skip, publication, start, at)
        else:
            raise BadPublication(f"not a frame (byte {at})")


def _is_event_header(header: Any) -> bool:
    return (
        isinstance(header, list)
        and len(header) == 4
        and isinstance(header[0], str)
        and (header[1] is None or isinstance(header[1], str | list))
        and (header[2] is None or isinstance(header[2], list))
        and isinstance(header[3], int)
        and header[3] >= 0
    )
