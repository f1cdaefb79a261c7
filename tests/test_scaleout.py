"""Two `hub serve` processes on one PostgreSQL and one Redis: a chat started on one process reaches the
agent console connected to the other, and the agent's reply reaches the visitor back across processes."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest

from hub.accounts import create_agent, create_session, create_token
from hub.bus import EventBus
from hub.db.engine import Database
from tests.conftest import PG_URL, REDIS_URL
from tests.processes import free_port, start_hub
from tests.sockets import agent_socket, visitor

pytestmark = pytest.mark.skipif(not (PG_URL and REDIS_URL), reason="needs PostgreSQL and Redis")


@pytest.fixture
async def two_hubs(database_url: str) -> AsyncIterator[tuple[list[str], str, str]]:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share a database only on PostgreSQL")
    assert REDIS_URL
    db = Database(database_url, EventBus())
    async with db.write() as uow:
        agent = await create_agent(uow.session, email="ops@x.test", display_name="ops", role="agent",
                                   password="a long password")  # fmt: skip
        session, _ = await create_session(uow.session, agent, timedelta(hours=1))
        token = await create_token(uow.session, role="admin", name="t")
    await db.dispose()
    # A fresh Redis database per test run: no messages from an earlier one.
    procs, urls = [], []
    try:
        for _ in range(2):
            env = {**os.environ, "HUB_DATABASE_URL": database_url, "HUB_HTTP_PORT": str(free_port()),
                   "HUB_REDIS_URL": REDIS_URL}  # fmt: skip
            proc, url = await start_hub(env)
            procs.append(proc)
            urls.append(url)
        yield urls, session, token
    finally:
        for p in procs:
            p.terminate()
            await p.wait()


async def test_chat_crosses_processes_through_redis(two_hubs: tuple[list[str], str, str]) -> None:
    (first, second), session, token = two_hubs
    console = await agent_socket(first, session)  # the agent works on process one
    guest = await visitor(second)  # the customer's chat lands on process two
    await guest.next("session")
    text = f"跨进程 across processes {uuid.uuid4()}"
    ack = await guest.call("message", {"text": text})
    assert ack["ok"] is True
    pushed = await console.next_matching("message", lambda e: e["interaction"]["text"] == text, timeout=10)
    assert pushed["ticket"]["id"] == ack["ticket_id"]
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
        url = f"{first}/api/v1/tickets/{ack['ticket_id']}/replies"
        async with http.post(url, json={"text": "来自一号进程的回复"}) as r:
            assert r.status == 201
        async with http.get(f"{second}/readyz") as r:
            assert r.status == 200 and (await r.json())["redis"] == "ok"
    reply = await guest.next_matching("message", lambda e: e["direction"] == "outbound", timeout=10)
    assert reply["text"] == "来自一号进程的回复"
    await guest.close()
    await console.close()
