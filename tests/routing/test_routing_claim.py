"""Assignments are claimed in SQL: a stale roster never overfills an agent, and two engines never share a slot."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from sqlalchemy import insert, select, update

from hub.agents.presence import Presence
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Agent, AuditEntry, Customer, Queue, Ticket
from hub.routing.config import load_routing
from hub.routing.engine import RoutingEngine
from tests.conftest import make_agent

CONFIG = load_routing(Path(__file__).resolve().parents[2] / "config" / "routing.toml")
CAPACITY = 2


async def floor(db: Database, agents: int, tickets: int) -> list[int]:
    """Agents with room for CAPACITY emails each, and that many waiting email tickets."""
    ids = [(await make_agent(db, f"a{n}@x.test")).id for n in range(agents)]
    now = utcnow()
    async with db.write() as uow:
        s = uow.session
        await s.execute(update(Agent).values(capacity={"email": CAPACITY}, languages=["en"]))
        queue = await s.scalar(insert(Queue).values(name="claims", display_name="claims").returning(Queue.id))
        customers = await s.scalars(
            insert(Customer).returning(Customer.id),
            [{"display_name": f"c{n}", "tier": "general", "attributes": {}} for n in range(tickets)],
        )
        await s.execute(
            insert(Ticket),
            [{"customer_id": c, "subject": "help", "status": "new", "priority": "normal", "channel": "email",
              "queue_id": queue, "tags": [], "assignment": {}, "requirements": {"skills": {}, "language": "en"},
              "created_at": now, "updated_at": now, "last_message_at": now} for c in customers],
        )  # fmt: skip
    return ids


async def engine(db: Database, agents: list[int]) -> tuple[RoutingEngine, Presence]:
    presence = Presence(db, 0)
    for a in agents:
        await presence.connected(a, f"sid{a}-{id(presence)}")
    return RoutingEngine(db, presence, CONFIG), presence


async def loads(db: Database) -> Counter[int | None]:
    async with db.read() as s:
        return Counter(await s.scalars(select(Ticket.assignee_id).where(Ticket.assignee_id.is_not(None))))


async def test_two_engines_draining_at_once_fill_every_agent_exactly(db: Database) -> None:
    agents = await floor(db, 4, 20)
    (one, p1), (two, p2) = await engine(db, agents), await engine(db, agents)
    while sum(await asyncio.gather(one.drain(), two.drain())):
        pass  # both read the same waiting list and rosters that go stale as the other assigns
    assert await loads(db) == dict.fromkeys(agents, CAPACITY)
    async with db.read() as s:
        audited = Counter(await s.scalars(select(AuditEntry.target_id).where(AuditEntry.action == "ticket.assigned")))
    assert len(audited) == 4 * CAPACITY and set(audited.values()) == {1}  # each ticket given out once
    await p1.stop()
    await p2.stop()


async def test_a_stale_roster_is_corrected_by_the_refused_claim(db: Database) -> None:
    (ann,) = await floor(db, 1, 3)
    routing, presence = await engine(db, [ann])
    first = await routing.route(1)
    assert first is not None and first.agent_id == ann  # the roster is read now: Ann has one of two
    async with db.write() as uow:  # another process fills her last place; this roster does not know
        await uow.session.execute(update(Ticket).where(Ticket.id == 2).values(assignee_id=ann))
    decision = await routing.route(3)
    assert decision is not None and decision.agent_id is None  # refused in SQL, the roster corrected
    if not db.is_sqlite:  # one claim per transaction there: the corrected roster decides on the next try
        assert "last place was taken meanwhile" in decision.reasons[-1]
        decision = await routing.route(3)
        assert decision is not None
    assert "nobody eligible (1 at email capacity)" in decision.reasons[-1]
    assert await loads(db) == {ann: CAPACITY}
    async with db.read() as s:
        waiting = await s.get_one(Ticket, 3)
        assert waiting.assignee_id is None and waiting.assignment["state"] == "waiting"
    await presence.stop()
