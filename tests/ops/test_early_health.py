"""`hub serve` binds its port first: /healthz answers while the app loads and starts, the rest waits for the app."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from hub import __version__
from hub.ops import early_health
from tests.processes import free_port
from tests.waiting import until


class Gates:
    """An app whose loading and starting each wait for the test, served by early_health.serve in a thread."""

    def __init__(self, *, failing: str = "") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.loading, self.starting = threading.Event(), threading.Event()
        self.loops: list[asyncio.AbstractEventLoop] = []
        self.failing = failing

    def load(self) -> Callable[[], web.Application]:
        self.loading.wait()  # as the imports would take their time
        if self.failing == "load":
            raise RuntimeError("assets missing")
        return self.build

    def build(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/hello", hello)
        app.cleanup_ctx.append(self.run)
        return app

    async def run(self, _app: web.Application) -> AsyncIterator[None]:
        self.loops.append(asyncio.get_running_loop())
        await asyncio.to_thread(self.starting.wait)  # as the schema check and the services would
        if self.failing == "start":
            raise RuntimeError("schema out of date")
        yield

    def serve(self) -> asyncio.Future[None]:
        run = partial(early_health.serve, host="127.0.0.1", port=self.port, print=None, handle_signals=False)
        return asyncio.ensure_future(asyncio.to_thread(run, self.load))

    def stop(self) -> None:
        """Lets whatever still waits go on, then stops the server as a signal would."""
        self.loading.set()
        self.starting.set()
        for loop in self.loops:
            loop.call_soon_threadsafe(_graceful_exit)


def _graceful_exit() -> None:
    raise web.GracefulExit


async def hello(_request: web.Request) -> web.Response:
    return web.Response(text="hello from the app")


async def answer(http: aiohttp.ClientSession, url: str) -> tuple[int, Any, str] | None:
    try:
        async with http.get(url) as r:
            return r.status, await r.json(content_type=None), r.headers.get("Retry-After", "")
    except aiohttp.ClientConnectionError:
        return None


def port_is_free(port: int) -> bool:
    """Nothing listens on it any more (connections the server closed may linger in TIME_WAIT: allowed)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen()
    return True


async def test_liveness_answers_while_the_app_loads_and_starts_and_the_app_answers_once_started() -> None:
    gates = Gates()
    served = gates.serve()
    try:
        async with aiohttp.ClientSession() as http:

            async def healthy() -> bool:
                return await answer(http, f"{gates.url}/healthz") == (200, {"status": "ok", "version": __version__}, "")

            await until(healthy, what="/healthz while the app loads")
            assert await answer(http, f"{gates.url}/readyz") == (503, {"status": "not ready", "app": "starting"}, "")
            assert await answer(http, f"{gates.url}/hello") == (503, {"status": "starting"}, "1")

            gates.loading.set()
            await until(lambda: asyncio.sleep(0, bool(gates.loops)), what="the app's start-up")
            assert await answer(http, f"{gates.url}/hello") == (503, {"status": "starting"}, "1")  # not started yet

            gates.starting.set()

            async def app_answers() -> bool:
                async with http.get(f"{gates.url}/hello") as r:
                    return r.status == 200 and await r.text() == "hello from the app"

            await until(app_answers, what="the app itself")
    finally:
        gates.stop()
        await served
    assert port_is_free(gates.port)


@pytest.mark.parametrize("failing", ["load", "start"])
async def test_a_failure_to_load_or_start_is_raised_and_frees_the_port(failing: str) -> None:
    gates = Gates(failing=failing)
    served = gates.serve()
    async with aiohttp.ClientSession() as http:
        await until(lambda: answer(http, f"{gates.url}/healthz"), what="/healthz while the app loads")
    gates.loading.set()
    gates.starting.set()
    with pytest.raises(RuntimeError, match="assets missing" if failing == "load" else "schema out of date"):
        await served
    assert port_is_free(gates.port)


def test_a_port_in_use_fails_at_once() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match="error while attempting to bind on address"):
            early_health.listen("127.0.0.1", port)
