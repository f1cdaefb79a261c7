"""Two `hub serve` processes on one PostgreSQL and one Redis: a chat started on one process reaches the
agent console connected to the other, and the agent's reply reaches the visitor back across processes."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from hub.agents.accounts import create_agent, create_session, create_token
from hub.bus import EventBus
from hub.db.engine import Database
from hub.db.models import Interaction
from hub.settings import PROJECT_ROOT
from tests.conftest import PG_URL, REDIS_URL
from tests.processes import hubs
from tests.sockets import agent_socket, visitor
from tests.waiting import until

pytestmark = pytest.mark.skipif(not (PG_URL and REDIS_URL), reason="needs PostgreSQL and Redis")


@pytest.fixture
async def two_hubs(database_url: str, redis_url: str) -> AsyncIterator[tuple[list[str], str, str]]:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share a database only on PostgreSQL")
    db = Database(database_url, EventBus())
    async with db.write() as uow:
        agent = await create_agent(uow.session, email="ops@x.test", display_name="ops", role="agent",
                                   password="a long password")  # fmt: skip
        session, _ = await create_session(uow.session, agent, timedelta(hours=1))
        token = await create_token(uow.session, role="admin", name="t")
    await db.dispose()
    async with hubs(2, HUB_DATABASE_URL=database_url, HUB_REDIS_URL=redis_url) as running:
        yield [url for _, url in running], session, token


async def test_chat_crosses_processes_through_redis(two_hubs: tuple[list[str], str, str]) -> None:
    (first, second), session, token = two_hubs
    console = await agent_socket(first, session)  # the agent works on process one
    guest = await visitor(second)  # the customer's chat lands on process two
    await guest.next("session")
    text = f"跨进程 across processes {uuid.uuid4()}"
    ack = await guest.call("message", {"text": text})
    assert ack["ok"] is True
    pushed = await console.next_matching("message", lambda e: e["interaction"]["text"] == text, timeout=30)
    assert pushed["ticket"]["id"] == ack["ticket_id"]
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
        url = f"{first}/api/v1/tickets/{ack['ticket_id']}/replies"
        async with http.post(url, json={"text": "来自一号进程的回复"}) as r:
            assert r.status == 201
        async with http.get(f"{second}/readyz") as r:
            assert r.status == 200 and (await r.json())["redis"] == "ok"
    reply = await guest.next_matching("message", lambda e: e["direction"] == "outbound", timeout=30)
    assert reply["text"] == "来自一号进程的回复"
    await guest.close()
    await console.close()


@pytest.mark.skipif(not os.environ.get("HUB_TEST_IMAP"), reason="needs the test IMAP server")
@pytest.mark.xdist_group("imap")  # with the other tests that log in to the test IMAP server
async def test_one_process_polls_a_mailbox_and_another_takes_over_when_it_dies(
    database_url: str, tmp_path: Path
) -> None:
    """Both processes are configured to poll the same IMAP mailbox; one leads, kill -9 it, the other
    takes over, and every mail is stored exactly once."""
    if not database_url.startswith("postgresql"):
        pytest.skip("leadership is between processes sharing PostgreSQL")
    from tests.channels.email.test_email_imap import IMAP, PASSWORD, USER, append, own_folders

    assert IMAP
    host, port = IMAP.rsplit(":", 1)
    with own_folders() as (inbox, _):
        config = (PROJECT_ROOT / "config" / "hub.toml").read_text(encoding="utf-8") + (
            f'\n[email.mailboxes.imapbox]\naddresses = ["imapbox@hub.test"]\n'
            f'imap = {{ host = "{host}", port = {port}, ssl = false, username = "{USER}", password = "{PASSWORD}", '
            f'folder = "{inbox}", poll_seconds = 1 }}\n'
        )
        (tmp_path / "hub.toml").write_text(config, encoding="utf-8")
        await asyncio.to_thread(append, inbox, 1, "before anyone leads")
        db = Database(database_url, EventBus())
        try:
            async with hubs(2, HUB_DATABASE_URL=database_url, HUB_CONFIG=str(tmp_path / "hub.toml")) as running:
                await _failover(db, [p for p, _ in running], [u for _, u in running], partial(append, inbox))
        finally:
            await db.dispose()


async def _failover(db: Database, procs: list[Any], urls: list[str], append: Any) -> None:
    """Exactly one process polls; after kill -9 of it, the other does, and nothing is stored twice."""

    async def roles() -> list[str]:
        out = []
        async with aiohttp.ClientSession() as http:
            for url in urls:
                try:
                    async with http.get(f"{url}/readyz") as r:
                        out.append((await r.json()).get("imap:imapbox", "down"))
                except aiohttp.ClientError:
                    out.append("down")
        return out

    async def stored() -> list[str]:
        async with db.read() as s:
            return list(await s.scalars(select(Interaction.external_id).where(Interaction.channel == "email")))

    await until(lambda: _has(stored, 1), timeout=20)
    assert sorted(await roles()) == ["ok", "standby"]  # exactly one polls
    leader = (await roles()).index("ok")
    procs[leader].kill()  # kill -9: no goodbye, its lock goes with its connection
    await procs[leader].wait()
    await asyncio.to_thread(append, 2, "while the leader is dead")
    await until(lambda: _has(stored, 2), timeout=30)
    survivor = 1 - leader
    assert (await roles())[survivor] == "ok"
    ids = await stored()
    assert sorted(ids) == ["<imap-1@example.com>", "<imap-2@example.com>"]  # none twice


async def _has(stored: Any, n: int) -> bool:
    return len(await stored()) >= n


async def test_a_chat_on_a_process_without_agents_is_offered_by_the_one_with_them(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    """No timed policy steps here, so nothing but the Redis bridge tells process one about the ticket
    created on process two, where no agent is connected."""
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share a database only on PostgreSQL")
    (tmp_path / "routing.toml").write_text("[capacity]\nwebchat = 3\n\n[offers]\nwebchat = 30\n", encoding="utf-8")
    db = Database(database_url, EventBus())
    async with db.write() as uow:
        agent = await create_agent(uow.session, email="solo@x.test", display_name="solo", role="agent",
                                   password="a long password")  # fmt: skip
        session, _ = await create_session(uow.session, agent, timedelta(hours=1))
    await db.dispose()
    env = {"HUB_DATABASE_URL": database_url, "HUB_REDIS_URL": redis_url,
           "HUB_ROUTING_CONFIG": str(tmp_path / "routing.toml")}  # fmt: skip
    async with hubs(2, **env) as running:
        urls = [url for _, url in running]
        console = await agent_socket(urls[0], session)
        guest = await visitor(urls[1])
        await guest.next("session")
        ack = await guest.call("message", {"text": "anyone there? 有人吗"})
        offer = await console.next("offer", timeout=30)
        assert offer["ticket"]["id"] == ack["ticket_id"]
        await guest.close()
        await console.close()


async def test_every_process_shows_the_same_agents_and_a_new_one_does_not_sign_them_out(
    two_hubs: tuple[list[str], str, str], database_url: str, redis_url: str
) -> None:
    """Presence lives in each process with its sockets; supervisors see it from the database, kept fresh by a
    heartbeat, so a wallboard on any process shows every agent, and a process starting does not reset them."""
    (first, second), session, token = two_hubs
    console = await agent_socket(first, session)  # the agent works on process one

    async def staff(url: str) -> dict[str, str]:
        async with (
            aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http,
            http.get(f"{url}/api/v1/console/wallboard") as r,
        ):
            assert r.status == 200
            return {a["name"]: a["status"] for a in (await r.json())["staff"]}

    async def is_(url: str, status: str) -> bool:
        return (await staff(url)).get("ops") == status

    try:
        assert (await staff(second)).get("ops") == "available"
        assert (await console.call("status", {"status": "busy"}))["ok"]
        await until(lambda: is_(second, "busy"))
        async with hubs(1, HUB_DATABASE_URL=database_url, HUB_REDIS_URL=redis_url) as third:
            assert (await staff(third[0][1])).get("ops") == "busy"
        assert (await staff(first)).get("ops") == "busy"
    finally:
        await console.close()
    await until(lambda: is_(second, "away"))  # dropped: away for a grace, seen from the other process
