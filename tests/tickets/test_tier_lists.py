"""A tier's ticket list follows the customer's tier however it changes: the database keeps a copy on each ticket."""

from __future__ import annotations

from sqlalchemy import select, update

from hub.db.engine import Database
from hub.db.models import Customer, Ticket
from tests.conftest import Hub, make_token
from tests.tickets.test_search import call, ingest


async def tier_list(hub: Hub, token: str, tier: str) -> set[int]:
    status, body = await call(hub, token, f"/api/v1/tickets?tier={tier}")
    assert status == 200, body
    return {t["id"] for t in body["tickets"]}


async def customer_of(db: Database, ticket_id: int) -> int:
    async with db.read() as s:
        return int((await s.scalar(select(Ticket.customer_id).where(Ticket.id == ticket_id))) or 0)


async def test_the_tier_list_follows_tier_changes_new_tickets_and_merges(hub: Hub, db: Database) -> None:
    supervisor = await make_token(db, "supervisor")
    lin, ada = await ingest(hub, 1, "where is my parcel?"), await ingest(hub, 2, "invoice please")
    assert await tier_list(hub, supervisor, "gold") == set()
    assert await tier_list(hub, supervisor, "general") == {lin, ada}
    # Through the API, as a supervisor does.
    lin_customer = await customer_of(db, lin)
    status, body = await call(hub, supervisor, f"/api/v1/customers/{lin_customer}", "PATCH", {"tier": "gold"})
    assert status == 200, body
    assert await tier_list(hub, supervisor, "gold") == {lin}
    # A new ticket of a gold customer is gold from its first moment.
    again = await ingest(hub, 3, "and a second question", who="c1@example.com")
    assert await tier_list(hub, supervisor, "gold") == {lin, again}
    # Any other write path (an import, a value rule) too.
    ada_customer = await customer_of(db, ada)
    async with db.write() as uow:
        await uow.session.execute(update(Customer).where(Customer.id == ada_customer).values(tier="diamond"))
    assert await tier_list(hub, supervisor, "diamond") == {ada}
    # Ada turns out to be Lin's other address: her ticket moves to the merged customer and its tier.
    status, body = await call(
        hub, supervisor, f"/api/v1/customers/{ada_customer}/link", "POST", {"kind": "email", "value": "c1@example.com"}
    )
    assert status == 200, body
    merged = await customer_of(db, ada)
    async with db.read() as s:
        tier = await s.scalar(select(Customer.tier).where(Customer.id == merged))
    assert await tier_list(hub, supervisor, str(tier)) == {lin, again, ada}
