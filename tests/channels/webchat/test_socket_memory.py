"""The socket server's lean per-socket state: no deflate, its packet queue, pings on a timer that keep and drop."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from hub import keys
from hub.channels.webchat.packet_queue import PacketQueue
from tests.conftest import Hub
from tests.waiting import until

WAIT_S = 30.0  # a ceiling for a busy machine, not a speed check


async def test_the_queue_hands_items_out_in_order_to_whoever_waits_first() -> None:
    queue = PacketQueue()
    first, second = queue.get(), queue.get()
    await queue.put("a")
    queue.put_nowait("b")
    queue.put_nowait("c")
    assert (await first, await second) == ("a", "b")
    assert queue.qsize() == 1 and not queue.empty()
    assert queue.get_nowait() == "c"
    with pytest.raises(asyncio.QueueEmpty):
        queue.get_nowait()


async def test_an_item_put_after_a_wait_timed_out_is_not_lost() -> None:
    queue = PacketQueue()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(queue.get(), 0.01)  # engine.io's poll gives up this way
    queue.put_nowait("ping")
    assert await asyncio.wait_for(queue.get(), WAIT_S) == "ping"


async def test_join_waits_until_every_item_is_done() -> None:
    queue = PacketQueue()
    await queue.join()  # nothing put: at once
    queue.put_nowait(1)
    queue.put_nowait(2)
    joined = asyncio.create_task(queue.join())
    await queue.get()
    queue.task_done()
    await asyncio.sleep(0)  # one turn of the loop: the joiner could run if it were (wrongly) released
    assert not joined.done()
    queue.get_nowait()
    queue.task_done()
    await asyncio.wait_for(joined, WAIT_S)
    with pytest.raises(ValueError, match="too many times"):
        queue.task_done()


async def _packets(ws: aiohttp.ClientWebSocketResponse, wanted: str) -> None:
    """Until the next engine.io packet of the wanted type (its first character)."""
    async for frame in ws:
        if frame.type == aiohttp.WSMsgType.TEXT and frame.data.startswith(wanted):
            return
    raise AssertionError(f"the socket closed before a packet {wanted!r}")


async def test_a_socket_that_answers_pings_stays_and_one_that_stops_is_dropped(hub: Hub) -> None:
    eio = hub.app[keys.SIO].eio
    eio.ping_interval, eio.ping_timeout = 1, 1  # seconds, so the test sees several pings
    url = hub.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"
    async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
        await asyncio.wait_for(_packets(ws, "0"), WAIT_S)  # engine.io's open packet
        (socket,) = eio.sockets.values()
        assert isinstance(socket.queue, PacketQueue)
        pinging = [t for t in asyncio.all_tasks() if "_send_ping" in repr(t.get_coro())]
        assert not pinging  # the next ping is a timer, not a task asleep
        for _ in range(3):
            await asyncio.wait_for(_packets(ws, "2"), WAIT_S)
            await ws.send_str("3")
        assert not socket.closed
        # Silent from now on: the hub closes it once the ping timeout passes.
        await asyncio.wait_for(_packets(ws, "2"), WAIT_S)
        await until(lambda: _closed(eio), timeout=WAIT_S, what="the silent socket to be dropped")
        assert socket.closed


async def test_a_socket_offering_deflate_as_browsers_do_is_served_uncompressed(hub: Hub) -> None:
    url = hub.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"
    async with aiohttp.ClientSession() as http, http.ws_connect(url, compress=15) as ws:
        assert ws.compress == 0  # the hub answered without permessage-deflate
        await asyncio.wait_for(_packets(ws, "0"), WAIT_S)  # and speaks engine.io as ever
        await ws.send_str("40/agent,")  # no session cookie: the console refuses, in plain frames
        await asyncio.wait_for(_packets(ws, "44/agent"), WAIT_S)


async def _closed(eio: Any) -> bool:
    return not eio.sockets
