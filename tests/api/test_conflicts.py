"""A request PostgreSQL undoes to break a deadlock answers 503 with Retry-After (nothing kept), not a 500."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from sqlalchemy import select, text, update

from hub.db.engine import Database
from hub.db.models import Customer, Ticket
from tests.conftest import Hub, make_token
from tests.console_kit import contact
from tests.waiting import until

# The API's write waiting for the ticket row while it holds the ticket's customer (the hub's lock order).
_WAITS_FOR_TICKET = text(
    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM tickets%FOR UPDATE%'"
)


async def test_a_request_that_lost_a_deadlock_is_told_to_send_again(hub: Hub, db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite has one writer at a time: no row locks, no deadlocks")
    ticket_id = await contact(hub, "the parcel never came", who="ann@example.com")
    async with db.read() as s:
        customer_id = await s.scalar(select(Ticket.customer_id).where(Ticket.id == ticket_id))
    headers = {"Authorization": f"Bearer {await make_token(db, 'supervisor')}"}
    url = f"{hub.url}/api/v1/tickets/{ticket_id}"
    async with aiohttp.ClientSession(headers=headers) as http:
        # Another writer takes the ticket, then the customer: the reverse of the hub's order.
        async with db.write() as other:
            await other.session.execute(update(Ticket).where(Ticket.id == ticket_id).values(subject="parcel"))
            patch = asyncio.create_task(http.patch(url, json={"priority": "high"}))

            async def api_waits() -> bool:
                async with db.read() as s:
                    return bool(await s.scalar(_WAITS_FOR_TICKET))

            await until(api_waits, 60, "the API's write to wait for the ticket")
            await other.session.execute(update(Customer).where(Customer.id == customer_id).values(tier="gold"))
        async with await patch as r:
            body = await r.json()
            assert r.status == 503 and r.headers["Retry-After"] == "1"
            assert body["error"]["code"] == "unavailable"
            assert body["error"]["key"] == "the hub was changing the same records for another request; send this again"
        async with db.read() as s:
            assert await s.scalar(select(Ticket.priority).where(Ticket.id == ticket_id)) == "normal"  # nothing kept
        async with http.patch(url, json={"priority": "high"}) as r:  # sent again, as the answer says
            assert r.status == 200 and (await r.json())["ticket"]["priority"] == "high"
