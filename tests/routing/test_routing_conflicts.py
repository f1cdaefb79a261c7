"""A routing transaction PostgreSQL undoes to break a deadlock is made again: the ticket still reaches an agent."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update

from hub import keys
from hub.app import create_app
from hub.db.engine import Database
from hub.db.models import Agent, Customer, Ticket
from hub.settings import Settings
from tests.conftest import Hub, make_agent, make_session
from tests.routing.test_routing import ingest, settled
from tests.routing.test_routing_policy import BASE
from tests.sockets import agent_socket
from tests.waiting import until

# The router waiting for a ticket row while it holds the ticket's customer (its lock order: customer, ticket).
_ROUTER_WAITS = text(
    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM tickets%FOR UPDATE%'"
)


async def test_a_ticket_whose_routing_deadlocked_is_routed_again(
    settings: Settings, aiohttp_server: Callable[..., Any], tmp_path: Path, db: Database
) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite has one writer at a time: no row locks, no deadlocks")
    # No timed policy steps: nothing but the second try would look at the ticket again.
    path = tmp_path / "routing.toml"
    path.write_text(BASE, encoding="utf-8")
    custom = dataclasses.replace(settings, routing_config=str(path))
    app = create_app(custom)
    hub = Hub(await aiohttp_server(app), app, custom)
    ticket_id = await ingest(hub, 1, "where is my parcel")  # nobody online: it waits
    await settled(hub)
    async with db.read() as s:
        customer_id = await s.scalar(select(Ticket.customer_id).where(Ticket.id == ticket_id))
    agent = await make_agent(db, "ann@x.test")
    async with db.write() as uow:
        await uow.session.execute(update(Agent).where(Agent.id == agent.id).values(capacity={"email": 2}))
        agent_row = await uow.session.get_one(Agent, agent.id)
    # Another writer (an admin's script, say) takes the ticket first and the customer second: the reverse of
    # the hub's order. The router, started by Ann coming online, holds the customer and waits for the ticket.
    async with db.write() as other:
        await other.session.execute(update(Ticket).where(Ticket.id == ticket_id).values(subject="parcel"))
        socket = await agent_socket(hub.url, await make_session(db, agent_row))

        async def router_waits() -> bool:
            async with db.read() as s:
                return bool(await s.scalar(_ROUTER_WAITS))

        await until(router_waits, 60, "the router to wait for the ticket")
        # The cycle: PostgreSQL undoes the router's transaction (it has waited longest) and this one goes on.
        await other.session.execute(update(Customer).where(Customer.id == customer_id).values(tier="gold"))

    async def assigned() -> bool:
        async with db.read() as s:
            return await s.scalar(select(Ticket.assignee_id).where(Ticket.id == ticket_id)) == agent.id

    try:
        await until(assigned, 60, "the ticket to be routed again")
        assert hub.app[keys.ROUTING].running
    finally:
        await socket.close()
