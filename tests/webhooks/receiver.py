"""A real HTTP receiver for webhook tests: records each request and answers the statuses it is told to."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web
from aiohttp.test_utils import TestServer

from hub.clock import utcnow


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes


class Receiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: deque[int] = deque()  # statuses to answer, in order; 200 once they run out
        self.always: int | None = None  # answer this to every request

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append(Received(dict(request.headers), await request.read()))
        status = self.always or (self.answers.popleft() if self.answers else 200)
        return web.Response(status=status, text="ok" if status < 300 else "no")


@asynccontextmanager
async def receiving() -> AsyncIterator[tuple[Receiver, str]]:
    """A receiver listening on 127.0.0.1, and the URL to register."""
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield receiver, str(server.make_url("/hook"))
    finally:
        await server.close()


class Clock:
    """The sender's clock, moved by the test instead of waiting for a retry to come due."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta
