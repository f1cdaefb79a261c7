"""Two hub processes on one PostgreSQL database: no ticket assigned twice, no agent over capacity."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from hub.agents.accounts import create_agent, create_session, create_token
from hub.bus import EventBus
from hub.db.engine import Database
from hub.db.models import Agent, AuditEntry, Ticket
from tests.conftest import PG_URL
from tests.processes import hubs
from tests.sockets import Probe, visitor
from tests.waiting import until

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (HUB_TEST_POSTGRES_URL)")
CAPACITY = 2


@pytest.fixture
async def two_hubs(database_url: str) -> AsyncIterator[tuple[list[str], list[str], str, Database]]:
    if not database_url.startswith("postgresql"):
        pytest.skip("two processes share a database only on PostgreSQL")
    db = Database(database_url, EventBus())
    sessions = []
    async with db.write() as uow:
        for n in range(3):
            agent = await create_agent(
                uow.session, email=f"a{n}@x.test", display_name=f"a{n}", role="agent", password="a long password"
            )
            agent.capacity = {"webchat": CAPACITY}
            sessions.append((await create_session(uow.session, agent, timedelta(hours=1)))[0])
        token = await create_token(uow.session, role="admin", name="t")
    try:
        # 24 visitors from one test address: more new conversations than the per-address default allows.
        async with hubs(2, HUB_DATABASE_URL=database_url, HUB_WEBCHAT_NEW_CONVERSATIONS_PER_ADDRESS="0") as running:
            yield [url for _, url in running], sessions, token, db
    finally:
        await db.dispose()


async def test_two_processes_never_double_assign_or_overfill(
    two_hubs: tuple[list[str], list[str], str, Database],
) -> None:
    urls, sessions, token, db = two_hubs
    consoles = []
    for url in urls:  # every agent works in both processes at once: both engines may pick them
        for session in sessions:
            probe = Probe("/agent")
            await probe.connect(url, headers={"Cookie": f"hub_session={session}"})
            consoles.append(probe)
    guests = [await visitor(urls[n % 2]) for n in range(24)]
    for g in guests:
        await g.next("session")
    acks = await asyncio.gather(*(g.call("message", {"text": f"help me please {n}"}) for n, g in enumerate(guests)))
    assert all(a["ok"] for a in acks)

    async def full() -> bool:
        async with db.read() as s:
            assigned = list(await s.scalars(select(Ticket.assignee_id).where(Ticket.assignee_id.is_not(None))))
        return len(assigned) >= 3 * CAPACITY

    await until(full, timeout=30, what="both engines to fill every agent")
    await asyncio.sleep(1)  # not a wait: a window in which a late second assignment would show
    async with db.read() as s:
        per_agent = Counter(await s.scalars(select(Ticket.assignee_id).where(Ticket.assignee_id.is_not(None))))
        assignments = Counter(
            # Chat is offered (config/routing.toml [offers]); an offer holds the agent's slot like an assignment.
            await s.scalars(
                select(AuditEntry.target_id).where(AuditEntry.action.in_(("ticket.assigned", "ticket.offered")))
            )
        )
        agents = list(await s.scalars(select(Agent.id)))
    assert sorted(per_agent.values()) == [CAPACITY] * 3 and set(per_agent) == set(agents)
    assert all(n == 1 for n in assignments.values()) and sum(assignments.values()) == 3 * CAPACITY
    for probe in consoles + guests:
        await probe.close()
    assert token
