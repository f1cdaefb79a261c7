"""The socket.io server (chat visitors and consoles), with HTTP long-polling bodies always read whole.

engine.io reads a long-polling POST with a single `read(Content-Length)` on aiohttp's body stream, which
returns only what has arrived so far: a body that comes in several TCP segments (a long message, or a
burst the browser batched into one POST) was cut, failed to parse, and every message in it was lost
while the POST was answered 200. Here that one read waits for the whole body (at most the transport
ceiling, max_http_buffer_size, which engine.io checks against Content-Length before reading).

Each socket also costs less memory here, the protocol unchanged (docs/performance.md, Memory, round 4): no
permessage-deflate (a browser offers it, and each socket accepting it kept zlib streams of ~100 KB), its packet
queue is a PacketQueue, its next ping a timer instead of a task asleep for the ping interval, and the environ's
header names are shared strings.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from typing import Any

import engineio
import socketio
from aiohttp import StreamReader
from aiohttp.web import WebSocketResponse
from engineio import packet
from engineio.async_drivers.aiohttp import WebSocket
from engineio.async_socket import AsyncSocket

from hub.channels.webchat.packet_queue import PacketQueue


class _WholeBody:
    """The body stream as engine.io expects a WSGI input to behave: read(n) returns n bytes."""

    def __init__(self, stream: StreamReader) -> None:
        self._stream = stream

    async def read(self, n: int = -1) -> bytes:
        if n < 0:
            return await self._stream.read()
        try:
            return await self._stream.readexactly(n)
        except asyncio.IncompleteReadError as exc:
            return exc.partial  # the client sent less than it announced: what there is (engine.io refuses it)


class _EngineIO(engineio.AsyncServer):  # type: ignore[misc]
    _async: dict[str, Any]  # engine.io's table of its async driver's functions

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translate: Callable[[Any], dict[str, Any]] = self._async["translate_request"]

        def whole_body(request: Any) -> dict[str, Any]:
            # socket.io keeps each connection's environ while it lives: the "HTTP_..." names it made for
            # the headers are interned, one string for all connections instead of one per header each.
            environ = {sys.intern(name): value for name, value in translate(request).items()}
            environ["wsgi.input"] = _WholeBody(environ["wsgi.input"])
            return environ

        # Our own copy of the driver table: the aiohttp driver module itself is left as it is.
        self._async = {**self._async, "translate_request": whole_body, "websocket": _PlainWebSocket}

    def create_queue(self, *args: Any, **kwargs: Any) -> Any:
        """Each socket's packet queue (engine.io asks for an unbounded one)."""
        return PacketQueue() if not args and not kwargs else super().create_queue(*args, **kwargs)

    def start_background_task(self, target: Any, *args: Any, **kwargs: Any) -> Any:
        """engine.io's ping of one socket, after the ping interval, is a timer: a task would sleep through the
        interval holding its coroutine, future and timer; anything else is a task as engine.io made it."""
        if getattr(target, "__func__", None) is AsyncSocket._send_ping and not args and not kwargs:
            return asyncio.get_running_loop().call_later(self.ping_interval, _ping, target.__self__)
        return super().start_background_task(target, *args, **kwargs)


class _PlainWebSocket(WebSocket):  # type: ignore[misc]
    """engine.io's aiohttp websocket, its frames never compressed. The console's and the chat's packets are a
    few hundred bytes; a socket that negotiated permessage-deflate kept a zlib compressor (and a decompressor
    once the browser sent a compressed frame) for its whole life: 151 against 44 KB per socket measured."""

    async def __call__(self, environ: dict[str, Any]) -> WebSocketResponse:
        sock = WebSocketResponse(max_msg_size=self.server.max_http_buffer_size, compress=False)
        self._sock = sock  # engine.io's send(), wait() and close() use it
        await sock.prepare(environ["aiohttp.request"])
        self.environ = environ
        await self.handler(self)
        return sock


def _ping(socket: AsyncSocket) -> None:
    """What engine.io's AsyncSocket._send_ping does once its sleep ends: its send() checks the ping timeout,
    which cannot have passed with last_ping just set, and puts the packet on the unbounded queue."""
    if not socket.closing and not socket.closed:
        socket.last_ping = time.time()
        socket.queue.put_nowait(packet.Packet(packet.PING))


class SocketServer(socketio.AsyncServer):  # type: ignore[misc]
    def _engineio_server_class(self) -> type[engineio.AsyncServer]:
        return _EngineIO
