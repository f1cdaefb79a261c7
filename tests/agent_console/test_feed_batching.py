"""The console feed's batching rule over a real socket: a quiet room's event goes at once, what follows within the
window goes as one `batch` in order, another room is not held by the first one's window, and a busy room's batch
goes once it holds enough events (not sooner than the floor after its last frame)."""

from __future__ import annotations

from typing import Any

import socketio

from hub import keys
from hub.agent_console.setup import CONSOLE_FEED
from hub.events import DeliveryUpdated
from hub.rooms import AGENT_NAMESPACE
from tests.conftest import Hub, make_agent, make_session
from tests.waiting import until

WAIT_S = 30.0  # a ceiling for a busy machine, not a speed check
# Longer than any pause of a loaded machine between two publishes in a row, so the burst surely falls in one window.
WINDOW_S = 3.0


class Frames:
    """A console socket that keeps every frame as it came: (event, data), a `batch` not unpacked."""

    def __init__(self) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.frames: list[tuple[str, Any]] = []

        async def catch_all(event: str, data: Any = None) -> None:
            self.frames.append((event, data))

        self.client.on("*", catch_all, namespace=AGENT_NAMESPACE)

    async def connect(self, url: str, session: str) -> dict[str, Any]:
        await self.client.connect(url, namespaces=[AGENT_NAMESPACE], transports=["websocket"],
                                  headers={"Cookie": f"hub_session={session}"}, wait_timeout=WAIT_S)  # fmt: skip
        await until(lambda: _now(any(e == "hello" for e, _ in self.frames)), timeout=WAIT_S, what="hello")
        hello: dict[str, Any] = next(d for e, d in self.frames if e == "hello")
        return hello

    def ours(self) -> list[tuple[str, Any]]:
        """The frames that carry the test's events (the hub's own, such as the console's presence, left out)."""
        return [(e, d) for e, d in self.frames if e == "batch" or _ours(d)]


async def _now(value: bool) -> bool:
    return value


def _ours(payload: Any) -> bool:
    return isinstance(payload, dict) and (payload.get("reason") == "test" or payload.get("ticket_id", 0) > TICKETS)


TICKETS = 1_000_000  # the test's events name tickets past this


def delivery(queue: str, n: int) -> DeliveryUpdated:
    return DeliveryUpdated(ticket_id=TICKETS + n, queue=queue, interaction_id=n, status="sent", error=None)


async def test_a_quiet_rooms_event_goes_at_once_and_a_burst_after_it_goes_as_one_batch_in_order(
    hub: Hub, db: Any
) -> None:
    boss = await make_agent(db, "boss@x.test", role="supervisor")
    console = Frames()
    hub.app[CONSOLE_FEED].BATCH_WINDOW_S = WINDOW_S
    try:
        hello = await console.connect(hub.url, await make_session(db, boss))
        # A supervisor is in every queue's room; nothing has been sent to these two yet. (Not the supervisor's own
        # room: signing in sent the console's presence there, so it may be within its window.)
        queue, other = hello["queues"][0], hello["queues"][1]
        bus = hub.app[keys.DB].bus

        for n in range(1, 7):  # one after the other, well within one window
            await bus.publish(delivery(queue, n))
        # Another quiet room: its event is not held by the first room's window.
        await bus.publish(delivery(other, 100))
        await until(lambda: _now(any(e == "batch" for e, _ in console.ours())), timeout=WAIT_S, what="the batch")

        frames = console.ours()
        assert [e for e, _ in frames] == ["delivery", "delivery", "batch"]
        assert frames[0][1]["interaction_id"] == 1  # the first of the burst went alone, at once
        assert frames[1][1]["interaction_id"] == 100  # before the first room's window ended
        batched = frames[2][1]
        assert [name for name, _ in batched] == ["delivery"] * 5
        assert [p["interaction_id"] for _, p in batched] == [2, 3, 4, 5, 6]  # the rest, together and in order
        eids = [frames[0][1]["eid"]] + [p["eid"] for _, p in batched]
        assert eids == sorted(eids) and len(set(eids)) == 6
    finally:
        await console.client.disconnect()


async def test_a_busy_rooms_batch_goes_once_it_holds_enough_events_and_never_sooner_than_the_floor(
    hub: Hub, db: Any
) -> None:
    boss = await make_agent(db, "boss@x.test", role="supervisor")
    console = Frames()
    feed = hub.app[CONSOLE_FEED]
    # The floor as long as the window first: a batch may grow past EVENTS_PER_FRAME until the window ends.
    feed.BATCH_WINDOW_S, feed.MIN_WINDOW_S, feed.EVENTS_PER_FRAME = WINDOW_S, WINDOW_S, 4
    try:
        hello = await console.connect(hub.url, await make_session(db, boss))
        queue = hello["queues"][0]
        bus = hub.app[keys.DB].bus

        for n in range(1, 14):
            await bus.publish(delivery(queue, n))
        await until(lambda: _now(len(console.ours()) == 2), timeout=WAIT_S, what="the first batch")

        # No floor now: every 4 gathered events go at once, the rest when the window ends.
        feed.MIN_WINDOW_S = 0.0
        for n in range(14, 23):
            await bus.publish(delivery(queue, n))
        await until(lambda: _now(len(console.ours()) == 5), timeout=WAIT_S, what="the window's end")

        frames = console.ours()
        assert [e for e, _ in frames] == ["delivery", "batch", "batch", "batch", "delivery"]
        assert frames[0][1]["interaction_id"] == 1  # the room was quiet
        got = [[p["interaction_id"] for _, p in d] if e == "batch" else [d["interaction_id"]] for e, d in frames]
        assert got == [[1], list(range(2, 14)), [14, 15, 16, 17], [18, 19, 20, 21], [22]]  # each in order
    finally:
        await console.client.disconnect()
