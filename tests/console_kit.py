"""Helpers for console tests: a signed-in HTTP session per role, queues with members, contacts on channels."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from sqlalchemy import select

from hub import keys
from hub.db.engine import Database
from hub.db.models import Agent, Queue, QueueMember
from hub.envelopes import IdentityRef, InboundEnvelope
from tests.conftest import PASSWORD, Hub, make_agent


@dataclasses.dataclass
class Console:
    """A signed-in browser-like session: cookie jar plus the page's CSRF token for writes."""

    http: aiohttp.ClientSession
    hub: Hub
    agent: Agent
    csrf: str = ""

    async def page(self, path: str) -> tuple[int, str]:
        async with self.http.get(self.hub.url + path, allow_redirects=False) as r:
            text = await r.text()
            found = re.search(r'name="csrf-token" content="([^"]+)"', text)
            if found:
                self.csrf = found.group(1)
            return r.status, text

    async def api(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"X-CSRF-Token": self.csrf}
        async with self.http.request(method, self.hub.url + path, json=body, headers=headers) as r:
            data = await r.json() if r.content_type == "application/json" else await r.text()
            return r.status, data

    @property
    def session_token(self) -> str:
        for cookie in self.http.cookie_jar:
            if cookie.key == "hub_session":
                return cookie.value
        raise AssertionError("not signed in")


@asynccontextmanager
async def console(hub: Hub, db: Database, email: str, role: str = "agent") -> AsyncIterator[Console]:
    agent = await make_agent(db, email, role)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        r = await http.post(f"{hub.url}/login", data={"email": email, "password": PASSWORD}, allow_redirects=False)
        assert r.status == 302, await r.text()
        c = Console(http, hub, agent)
        await c.page("/console/directory" if role != "knowledge_manager" else "/console/knowledge")
        yield c


async def join_queue(db: Database, agent_id: int, queue: str) -> None:
    async with db.write() as uow:
        queue_id = await uow.session.scalar(select(Queue.id).where(Queue.name == queue))
        assert queue_id is not None, queue
        uow.session.add(QueueMember(queue_id=queue_id, agent_id=agent_id))


async def contact(hub: Hub, text: str, *, who: str = "cust@example.com", kind: str = "email", channel: str = "email",
                  queue: str | None = None, n: int = 0, **extra: Any) -> int:  # fmt: skip
    result = await hub.app[keys.INGESTOR].ingest(
        InboundEnvelope(
            channel=channel,
            external_id=f"{who}-{n}-{text[:10]}",
            sender=IdentityRef(kind, who),
            text=text,
            queue=queue,
            **extra,
        )
    )
    # Routing has looked at the new ticket before the caller changes rows under it: a test's seeding that
    # writes tickets and then customers in one transaction would otherwise race the router, which locks a
    # customer and then its ticket, and PostgreSQL breaks the cycle by failing one of them.
    routing = hub.app[keys.ROUTING]
    if routing.running:
        await routing.idle.wait()
    return result.ticket.id
