"""Console events between two socket.io servers sharing Redis, in the relay's format: what crosses, in order and once;
what a server skips (its own publications, events for rooms without its sockets, an event for one of its own
sockets); python-socketio's own messages and a foreign publisher still understood; a bad publication survived."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import socketio
from aiohttp import web
from redis import asyncio as aioredis

from hub.agent_console import relay
from hub.agent_console.fanout import RedisDirectEmit
from hub.channels.webchat.transport import SocketServer
from tests.processes import free_port
from tests.waiting import until

NS = "/t"
WAIT_S = 30.0  # a ceiling for a busy machine, not a speed check


class Node:
    """One socket.io server on a real port, its manager on the test's Redis: a hub process's console side."""

    def __init__(self, redis_url: str) -> None:
        self.manager = RedisDirectEmit(redis_url)
        self.sio = SocketServer(async_mode="aiohttp", client_manager=self.manager, logger=False, engineio_logger=False)
        self.app = web.Application()
        self.sio.attach(self.app)
        self.url = ""

        async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
            for room in auth["rooms"]:
                await self.sio.enter_room(sid, room, namespace=NS)
            return True

        self.sio.on("connect", connect, namespace=NS)
        self._runner = web.AppRunner(self.app)

    async def start(self) -> None:
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        thread = getattr(self.manager, "thread", None)
        if thread is not None:
            thread.cancel()
        await self.manager.flush()
        await self._runner.cleanup()
        for client in (self.manager.pubsub, self.manager.redis):
            if client is not None:
                await client.aclose()


class Console:
    """A client socket that keeps every event as it came."""

    def __init__(self) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.events: list[tuple[str, Any]] = []

        async def catch_all(event: str, data: Any = None) -> None:
            self.events.append((event, data))

        self.client.on("*", catch_all, namespace=NS)

    async def connect(self, node: Node, *rooms: str) -> Console:
        await self.client.connect(node.url, namespaces=[NS], transports=["websocket"], auth={"rooms": list(rooms)},
                                  wait_timeout=WAIT_S)  # fmt: skip
        return self

    @property
    def sid(self) -> str:
        sid: str = self.client.get_sid(NS)
        return sid

    def got(self, event: str) -> list[Any]:
        return [data for name, data in self.events if name == event]

    async def has(self, event: str, n: int = 1) -> bool:
        return len(self.got(event)) >= n


@pytest.fixture
async def nodes(redis_url: str) -> AsyncIterator[tuple[Node, Node]]:
    a, b = Node(redis_url), Node(redis_url)
    await a.start()
    await b.start()
    consoles: list[Console] = []
    try:
        # A server subscribes when its first socket connects: each hears the other's probe once both listen.
        for here, there in ((a, b), (b, a)):
            console = await Console().connect(there, "probe")
            consoles.append(await Console().connect(here, "probe-here"))
            consoles.append(console)

            async def heard(here: Node = here, console: Console = console) -> bool:
                await here.sio.emit("probe", {}, room="probe", namespace=NS)
                return await console.has("probe")

            await until(heard, timeout=WAIT_S, what="both servers listening")
        yield a, b
    finally:
        for console in consoles:
            await console.client.disconnect()
        await a.stop()
        await b.stop()


async def test_events_cross_in_order_once_and_in_one_publication(nodes: tuple[Node, Node]) -> None:
    a, b = nodes
    here = await Console().connect(a, "queue:general")
    there = await Console().connect(b, "queue:general", "ticket:1")
    payloads = [{"n": n, "text": f"第 {n} 条 message", "eid": 1000 + n} for n in range(30)]
    published = a.manager.counts["publications"]
    for payload in payloads:  # nothing here waits: one step of the loop
        await a.sio.emit("message", payload, room=["queue:general", "ticket:1"], namespace=NS)
    await until(lambda: there.has("message", 30), timeout=WAIT_S, what="30 events on the other server")
    await until(lambda: here.has("message", 30), timeout=WAIT_S, what="30 events on the sender's own socket")
    assert there.got("message") == payloads  # in order, once (the socket is in both rooms), the text intact
    assert here.got("message") == payloads
    await until(lambda: _at_least(a.manager.counts["own_skipped"], 1), timeout=WAIT_S, what="own publication seen")
    assert a.manager.counts["publications"] == published + 1
    await here.client.disconnect()
    await there.client.disconnect()


async def test_a_server_drops_events_for_rooms_without_its_sockets(nodes: tuple[Node, Node]) -> None:
    a, b = nodes
    there = await Console().connect(b, "queue:vip")
    dropped, delivered = b.manager.counts["dropped"], b.manager.counts["delivered"]
    for n in range(5):
        await a.sio.emit("message", {"n": n}, room=["queue:general", f"ticket:{n}"], namespace=NS)
    await a.sio.emit("marker", {"n": 5}, room="queue:vip", namespace=NS)
    await until(lambda: there.has("marker"), timeout=WAIT_S, what="the marker")
    assert there.got("message") == []
    assert b.manager.counts["dropped"] == dropped + 5
    assert b.manager.counts["delivered"] == delivered + 1
    await there.client.disconnect()


async def test_an_event_for_one_socket_of_its_own_server_is_not_published(nodes: tuple[Node, Node]) -> None:
    a, b = nodes
    here = await Console().connect(a)
    there = await Console().connect(b, "queue:vip")
    dropped, kept = b.manager.counts["dropped"], a.manager.counts["kept_here"]
    await a.sio.emit("hello", {"to": "you"}, to=here.sid, namespace=NS)
    await a.sio.emit("marker", {}, room="queue:vip", namespace=NS)  # published after the hello, were it published
    await until(lambda: there.has("marker"), timeout=WAIT_S, what="the marker")
    await until(lambda: here.has("hello"), timeout=WAIT_S, what="the hello")
    assert a.manager.counts["kept_here"] == kept + 1
    assert b.manager.counts["dropped"] == dropped  # the hello never reached the other server
    await here.client.disconnect()
    await there.client.disconnect()


async def test_a_stopping_servers_goodbye_reaches_its_own_sockets_only(nodes: tuple[Node, Node]) -> None:
    a, b = nodes
    mine = await Console().connect(a, "queue:general")
    theirs = await Console().connect(b, "queue:general")
    await a.manager.emit_here("server_restarting", {"reconnect_in_ms": 1000}, NS)  # what say_goodbye sends
    await a.sio.emit("marker", {}, room="queue:general", namespace=NS)  # published after it, were it published
    await until(lambda: theirs.has("marker"), timeout=WAIT_S, what="the marker")
    await until(lambda: mine.has("marker"), timeout=WAIT_S, what="the marker here")
    assert mine.got("server_restarting") == [{"reconnect_in_ms": 1000}]
    assert theirs.got("server_restarting") == []  # the other server's consoles stay where they are
    await mine.client.disconnect()
    await theirs.client.disconnect()


async def test_skips_broadcasts_and_python_socketio_messages_cross(nodes: tuple[Node, Node], redis_url: str) -> None:
    a, b = nodes
    skipped = await Console().connect(b, "queue:general")
    heard = await Console().connect(b, "queue:general")
    published = a.manager.counts["publications"]
    await a.sio.emit("message", {"n": 1}, room="queue:general", skip_sid=skipped.sid, namespace=NS)
    await a.sio.emit("server_restarting", {"reconnect_in_ms": 1000}, namespace=NS)  # the whole namespace
    assert a.manager.counts["publications"] == published + 1  # both published before the broadcast's emit returned
    await until(lambda: skipped.has("server_restarting"), timeout=WAIT_S, what="the broadcast")
    await until(lambda: heard.has("server_restarting"), timeout=WAIT_S, what="the broadcast")
    assert heard.got("message") == [{"n": 1}] and skipped.got("message") == []
    # A publisher in python-socketio's own format (an external emitter, a hub of the version before).
    foreign = socketio.AsyncRedisManager(redis_url, write_only=True)
    await foreign.emit("notice", {"text": "来自外部"}, room="queue:general", namespace=NS)
    await until(lambda: heard.has("notice"), timeout=WAIT_S, what="the foreign publisher's event")
    assert heard.got("notice") == [{"text": "来自外部"}]
    await foreign.redis.aclose()
    # python-socketio's own messages ride in the same publications: a socket of the other server is disconnected.
    await a.sio.disconnect(skipped.sid, namespace=NS)
    await until(lambda: _now(not skipped.client.connected), timeout=WAIT_S, what="the disconnect")
    await heard.client.disconnect()


async def test_a_publication_that_cannot_be_read_is_dropped_and_the_next_delivered(
    nodes: tuple[Node, Node], redis_url: str
) -> None:
    a, b = nodes
    there = await Console().connect(b, "queue:general")
    raw = aioredis.Redis.from_url(redis_url)
    try:
        sender = "f" * relay.HOST_ID_BYTES
        for bad in (b'E["/t","queue:general",null,999]\n{}', b"Enot json\n", b"X\n", b"E[1,2]\n"):
            await raw.publish(b.manager.channel, relay.MAGIC + sender.encode() + bad)
    finally:
        await raw.aclose()
    await a.sio.emit("marker", {"after": "the bad ones"}, room="queue:general", namespace=NS)
    await until(lambda: there.has("marker"), timeout=WAIT_S, what="the event after the bad publications")
    assert there.events == [("marker", {"after": "the bad ones"})]
    await there.client.disconnect()


async def test_with_redis_away_the_senders_own_sockets_still_hear_and_emit_returns() -> None:
    node = Node(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    await node.start()
    try:
        console = await Console().connect(node, "queue:general")
        await node.sio.emit("message", {"n": 1}, room="queue:general", namespace=NS)
        await node.sio.emit("server_restarting", {}, namespace=NS)  # waits for its publication: given up, not raised
        await until(lambda: console.has("server_restarting"), timeout=WAIT_S, what="the local events")
        assert console.got("message") == [{"n": 1}]
        assert node.manager.counts["publications"] >= 1  # tried and given up (logged), the next one tries again
        await console.client.disconnect()
    finally:
        await node.stop()


def test_the_wire_format_keeps_order_and_packets_byte_for_byte() -> None:
    outbox = relay.Outbox("a" * relay.HOST_ID_BYTES)
    packet = '2/agent,["message",{"text":"\\u4e2d\\n\\"x\\""}]'
    outbox.add_event("/agent", ["queue:general", "ticket:7"], None, packet)
    outbox.add_message({"method": "disconnect", "sid": "s1", "namespace": "/agent", "host_id": "a" * 32})
    outbox.add_event("/agent", None, ["s2"], '2/agent,["x"]')
    publication = outbox.take()
    assert not outbox and relay.is_relayed(publication) and relay.sender_of(publication) == "a" * 32
    first, message, last = relay.frames(publication)
    assert isinstance(first, relay.Event) and isinstance(last, relay.Event)
    assert (first.namespace, first.rooms, first.skip, first.packet()) == ("/agent", ["queue:general", "ticket:7"],
                                                                          None, packet)  # fmt: skip
    assert message == {"method": "disconnect", "sid": "s1", "namespace": "/agent", "host_id": "a" * 32}
    assert (last.rooms, last.skip, last.packet()) == (None, ["s2"], '2/agent,["x"]')
    assert not relay.is_relayed(b'{"method": "emit"}')
    with pytest.raises(ValueError, match="32 characters"):
        relay.Outbox("short")


async def _at_least(value: int, n: int) -> bool:
    return value >= n


async def _now(value: bool) -> bool:
    return value
