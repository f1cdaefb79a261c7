"""The customers list and profile the workspace reads: tier filter, last contact and open tickets per row, surveys,
the profile's timeline in the agent's language, and a supervisor's corrections of name, tier and notes."""

from __future__ import annotations

from typing import Any

import aiohttp
from sqlalchemy import update

from hub.customers.tables import Survey
from hub.db.engine import Database
from hub.db.models import Customer, Ticket
from tests.conftest import Hub, make_token
from tests.console_kit import contact
from tests.tickets.test_previews import counted


async def call(hub: Hub, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        return r.status, await r.json(content_type=None)


async def test_rows_say_last_contact_and_open_tickets_and_chips_filter_by_tier(hub: Hub, db: Database) -> None:
    token = await make_token(db, "agent")
    first = await contact(hub, "Where is my parcel?", who="jane@example.com")
    other = await contact(hub, "退款多久到账？", who="wang@example.cn")
    async with db.write() as uow:
        jane = (await uow.session.get_one(Ticket, first)).customer_id
        wang = (await uow.session.get_one(Ticket, other)).customer_id
        await uow.session.execute(update(Ticket).where(Ticket.id == first).values(status="solved"))
        await uow.session.execute(update(Customer).where(Customer.id == wang).values(tier="diamond"))
        quiet = Customer(display_name="Nobody Yet", tier="general", attributes={})
        uow.session.add(quiet)

    body, statements = await counted(db, hub, token, "/api/v1/customers?limit=10")
    assert statements <= 5
    rows = {c["id"]: c for c in body["customers"]}
    assert rows[jane]["open_tickets"] == 0 and rows[wang]["open_tickets"] == 1  # solved work is not open
    assert rows[jane]["last_contact_at"] is not None
    newest = body["customers"][0]
    assert (newest["display_name"], newest["open_tickets"], newest["last_contact_at"]) == (
        "Nobody Yet",
        0,
        None,
    )  # newest first; never in touch

    status, diamond = await call(hub, token, "GET", "/api/v1/customers?tier=diamond")
    assert status == 200 and [c["id"] for c in diamond["customers"]] == [wang]
    status, searched = await call(hub, token, "GET", "/api/v1/customers?q=example&tier=general")
    assert status == 200 and [c["id"] for c in searched["customers"]] == [jane]
    assert searched["customers"][0]["last_contact_at"] and "<mark>" in searched["customers"][0]["snippet"]
    status, _ = await call(hub, token, "GET", "/api/v1/customers?tier=platinum")
    assert status == 400


async def test_the_profile_reads_and_a_supervisor_corrects_it(hub: Hub, db: Database) -> None:
    agent, supervisor = await make_token(db, "agent"), await make_token(db, "supervisor")
    ticket = await contact(hub, "Where is my parcel?", who="jane@example.com")
    async with db.write() as uow:
        customer = (await uow.session.get_one(Ticket, ticket)).customer_id
        uow.session.add(Survey(ticket_id=ticket, customer_id=customer, token="t1", channel="email", rating=4,
                               comment="quick and kind"))  # fmt: skip

    status, body = await call(hub, agent, "GET", f"/api/v1/console/customers/{customer}")
    assert status == 200, body
    assert body["customer"]["identities"] == [{"kind": "email", "value": "jane@example.com", "verified": False}]
    assert body["surveys"][0]["rating"] == 4 and body["surveys"][0]["comment"] == "quick and kind"
    assert body["history"] and body["can_edit"] is False
    assert body["customer"]["insight"]["churn"]["level"] in ("low", "medium", "high")
    status, public = await call(hub, agent, "GET", f"/api/v1/customers/{customer}")
    assert status == 200 and public["surveys"][0]["rating"] == 4

    status, _ = await call(hub, agent, "PATCH", f"/api/v1/customers/{customer}", {"notes": "prefers e-mail"})
    assert status == 403  # agents read; supervisors correct
    patch = {"display_name": "Jane Doe", "notes": "prefers e-mail", "tier": "gold"}
    status, changed = await call(hub, supervisor, "PATCH", f"/api/v1/customers/{customer}", patch)
    assert status == 200, changed
    assert (changed["display_name"], changed["notes"], changed["tier"]) == ("Jane Doe", "prefers e-mail", "gold")
    status, body = await call(hub, supervisor, "GET", f"/api/v1/console/customers/{customer}")
    assert body["customer"]["name"] == "Jane Doe" and body["customer"]["notes"] == "prefers e-mail"
    assert body["customer"]["tier_override"] == "gold" and body["can_edit"] is True
    status, found = await call(hub, agent, "GET", "/api/v1/customers?q=Jane%20Doe")
    assert [c["id"] for c in found["customers"]] == [customer]  # the new name is searchable at once
    status, _ = await call(hub, supervisor, "PATCH", f"/api/v1/customers/{customer}", {})
    assert status in (400, 422)


async def test_customer_pages_render_the_workspace(hub: Hub, db: Database) -> None:
    token = await make_token(db, "agent")
    ticket = await contact(hub, "Hello", who="jane@example.com")
    async with db.read() as s:
        customer = (await s.get_one(Ticket, ticket)).customer_id
    async with aiohttp.ClientSession() as http, http.get(f"{hub.url}/console/customers", allow_redirects=False) as r:
        assert r.status == 302  # signed out: to the sign-in page
    status, _ = await call(hub, token, "GET", f"/api/v1/console/customers/{customer + 1000}")
    assert status == 404
