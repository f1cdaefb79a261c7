"""The socket.io server (chat visitors and consoles), with HTTP long-polling bodies always read whole.

engine.io reads a long-polling POST with a single `read(Content-Length)` on aiohttp's body stream, which
returns only what has arrived so far: a body that comes in several TCP segments (a long message, or a
burst the browser batched into one POST) was cut, failed to parse, and every message in it was lost
while the POST was answered 200. Here that one read waits for the whole body (at most the transport
ceiling, max_http_buffer_size, which engine.io checks against Content-Length before reading).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import engineio
import socketio
from aiohttp import StreamReader


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
            environ = translate(request)
            environ["wsgi.input"] = _WholeBody(environ["wsgi.input"])
            return environ

        # Our own copy of the driver table: the aiohttp driver module itself is left as it is.
        self._async = {**self._async, "translate_request": whole_body}


class SocketServer(socketio.AsyncServer):  # type: ignore[misc]
    def _engineio_server_class(self) -> type[engineio.AsyncServer]:
        return _EngineIO
