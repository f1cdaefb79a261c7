"""`hub serve` in two steps: its port bound and /healthz answered at once, while the app loads behind it."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Callable
from typing import Any

from aiohttp import web

from hub import __version__

# Run in a thread while the port answers: the app's imports. What it returns builds the app on the event loop.
Load = Callable[[], Callable[[], web.Application]]
RETRY_AFTER_S = 1
EARLY_SHUTDOWN_S = 1.0  # its answers are immediate: nothing of its own is worth waiting for at hand-over


def serve(load: Load, *, host: str | None, port: int, **run_app: Any) -> None:
    """Blocking, as `web.run_app` (which gets `run_app`): binds the port first, so a failure to bind is known at
    once, and the process is alive to a liveness probe from its first second; until the app has started (the
    schema checked, the services and channels running) /readyz and every other path answer 503."""
    sockets = listen(host, port)
    try:
        web.run_app(_loaded(load, sockets), sock=sockets, **run_app)
    finally:
        for sock in sockets:
            sock.close()


def listen(host: str | None, port: int) -> list[socket.socket]:
    """Sockets bound as the server would bind them itself: a name may stand for several addresses (IPv4 and
    IPv6), and an empty host means every interface."""
    sockets: list[socket.socket] = []
    infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    try:
        for family, kind, proto, _, address in dict.fromkeys(infos):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:  # one socket per family, as asyncio binds them
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(address)
            except OSError as exc:
                raise OSError(
                    exc.errno, f"error while attempting to bind on address {address!r}: {exc.strerror}"
                ) from None
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


async def _loaded(load: Load, sockets: list[socket.socket]) -> web.Application:
    """The app, loaded while an early server answers on copies of the bound sockets; it stops once the app has
    started, just before the app's own sites take the sockets over (connections meanwhile wait in the backlog)."""
    early = web.ServerRunner(web.Server(_answer, access_log=None), shutdown_timeout=EARLY_SHUTDOWN_S)
    await early.setup()
    handed_over = asyncio.Event()
    copies = [sock.dup() for sock in sockets]
    # A task of its own: if loading or starting fails, web.run_app cancels it on the way out, and it stops.
    holder = asyncio.create_task(_hold(early, copies, handed_over), name="hub-early-health")
    try:
        for copy in copies:
            await web.SockSite(early, copy).start()
        build = await asyncio.to_thread(load)
        app = build()
    except BaseException:
        holder.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await holder
        raise

    async def hand_over(_app: web.Application) -> None:
        handed_over.set()
        await holder

    app.on_startup.append(hand_over)  # the last of its start-up: after every cleanup context has started
    return app


async def _hold(early: web.ServerRunner, copies: list[socket.socket], handed_over: asyncio.Event) -> None:
    try:
        await handed_over.wait()
        await _drain(early, copies)
    finally:
        await early.cleanup()


async def _drain(early: web.ServerRunner, copies: list[socket.socket]) -> None:
    """Stops accepting, then lets the connections already accepted get their answer. Closing the server at once
    would strand a connection accepted in the same loop turn: asyncio drops it unanswered, and its client hangs."""
    loop = asyncio.get_running_loop()
    for copy in copies:
        loop.remove_reader(copy.fileno())
    await asyncio.sleep(0)  # the accepts of the last turn attach their connections (each a task's first step)
    deadline = loop.time() + EARLY_SHUTDOWN_S
    # aiohttp tells of no connection's end, so this looks: a handful of 10 ms turns, only at hand-over.
    while early.server is not None and early.server.connections and loop.time() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.01)  # each answer closes its connection (force_close): none stays idle


async def _answer(request: web.BaseRequest) -> web.StreamResponse:
    if request.path == "/healthz":  # the same answer as the app's own
        response = web.json_response({"status": "ok", "version": __version__})
    elif request.path == "/readyz":
        response = web.json_response({"status": "not ready", "app": "starting"}, status=503)
    else:
        headers = {"Retry-After": str(RETRY_AFTER_S)}
        response = web.json_response({"status": "starting"}, status=503, headers=headers)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.force_close()  # the client's next request opens a new connection, which the app may answer
    return response
