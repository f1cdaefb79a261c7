"""Real socket.io clients for tests: every received event lands in a per-event queue."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import socketio


class Probe:
    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.client = socketio.AsyncClient(reconnection=False)
        self.events: defaultdict[str, asyncio.Queue[Any]] = defaultdict(asyncio.Queue)

        seen: set[int] = set()

        async def catch_all(event: str, data: Any = None) -> None:
            # Under load the console feed sends events in batches, and an event may reach a socket through
            # two of its rooms: unpack, and keep each event id once (as the console's script does).
            for name, payload in data if event == "batch" else [(event, data)]:
                eid = payload.get("eid") if isinstance(payload, dict) else None
                if eid is not None:
                    if eid in seen:
                        continue
                    seen.add(eid)
                await self.events[name].put(payload)

        self.client.on("*", catch_all, namespace=namespace)
        self.disconnected = asyncio.Event()

        async def gone(*_reason: Any) -> None:
            self.disconnected.set()

        self.client.on("disconnect", gone, namespace=namespace)

    async def connect(
        self,
        url: str,
        auth: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        transports: tuple[str, ...] = ("websocket",),
    ) -> None:
        await self.client.connect(
            url,
            namespaces=[self.namespace],
            auth=auth,
            headers=headers or {},
            transports=list(transports),
            wait_timeout=30,  # a ceiling for a busy machine, not a speed check
        )

    # Ceilings for a busy 2-core machine (a test waits for the event, never for the time): tests that expect
    # silence pass their own short timeout.
    async def next(self, event: str, timeout: float = 30) -> Any:
        return await asyncio.wait_for(self.events[event].get(), timeout)

    async def next_matching(self, event: str, predicate: Any, timeout: float = 30) -> Any:
        async def find() -> Any:
            while True:
                data = await self.events[event].get()
                if predicate(data):
                    return data

        return await asyncio.wait_for(find(), timeout)

    async def call(self, event: str, data: Any, timeout: float = 5) -> Any:
        return await self.client.call(event, data, namespace=self.namespace, timeout=timeout)

    async def emit(self, event: str, data: Any) -> None:
        await self.client.emit(event, data, namespace=self.namespace)

    async def close(self) -> None:
        await self.client.disconnect()

    async def drop(self) -> None:
        """Gone without a goodbye, as a closed tab: a long-polling client does not wait out its pending poll."""
        await self.client.eio.disconnect(abort=True)


async def visitor(url: str, transports: tuple[str, ...] = ("websocket",), **auth: Any) -> Probe:
    probe = Probe("/visitor")
    await probe.connect(url, auth=auth, transports=transports)
    return probe


async def agent_socket(url: str, session_token: str) -> Probe:
    probe = Probe("/agent")
    await probe.connect(url, headers={"Cookie": f"hub_session={session_token}"})
    await probe.next("hello")
    return probe
