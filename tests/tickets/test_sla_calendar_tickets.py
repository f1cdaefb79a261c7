"""SLA clocks on tickets: due times in the queue's business time, paused while pending and moved on when the ticket
reopens, breaches flagged, recorded and listed with sla=breached."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from sqlalchemy import select, update

from hub import keys
from hub.app import create_app
from hub.app.core import BREACHES
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Customer, HistoryEntry, Queue, Ticket
from hub.ops.leadership import Leadership
from hub.settings import PROJECT_ROOT, Settings
from hub.tickets import sla
from hub.tickets.business_time import add_business, business_seconds
from hub.tickets.calendar_config import parse_calendar
from hub.tickets.opening import Opening, open_ticket
from hub.tickets.sla_watch import BreachWatch
from tests.conftest import Hub, make_token
from tests.console_kit import contact
from tests.waiting import until

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHINA = parse_calendar(
    "cn",
    {"time_zone": "Asia/Shanghai", "hours": {"mon-fri": "09:00-18:00"}, "include": "calendars/cn-mainland.toml"},
    PROJECT_ROOT / "config",
)


@pytest.fixture
async def sla_hub(settings: Settings, aiohttp_server: Callable[..., Any]) -> Hub:
    """The hub with billing on the Chinese office calendar (general stays around the clock)."""
    queues = tuple(dataclasses.replace(q, calendar="cn") if q.name == "billing" else q for q in settings.queues)
    custom = dataclasses.replace(settings, calendars={"cn": CHINA}, queues=queues)
    app = create_app(custom)
    return Hub(await aiohttp_server(app), app, custom)


async def call(hub: Hub, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        return r.status, await r.json()


async def row(db: Database, ticket_id: int) -> Ticket:
    async with db.read() as s:
        return await s.get_one(Ticket, ticket_id)


async def test_opening_a_ticket_on_a_friday_evening_before_the_spring_festival(sla_hub: Hub, db: Database) -> None:
    friday_evening = datetime(2026, 2, 13, 19, 0, tzinfo=SHANGHAI).astimezone(UTC)
    async with db.write() as uow:
        s = uow.session
        customer = Customer(display_name="Wang Fang", tier="general")
        s.add(customer)
        await s.flush()
        billing = await s.scalar(select(Queue).where(Queue.name == "billing"))
        assert billing is not None and billing.calendar == "cn"
        opening = Opening(customer=customer, queue=billing, channel="email", text="  invoice   for January ",
                          first_response=timedelta(hours=4), resolution=timedelta(hours=12), now=friday_evening,
                          tags=("invoice", " ", "invoice"))  # fmt: skip
        ticket = await open_ticket(s, opening)
        ticket_id = ticket.id
    opened = await row(db, ticket_id)
    # Saturday the 14th is worked; the break runs from the 15th to the 23rd.
    assert opened.first_response_due_at == datetime(2026, 2, 14, 13, 0, tzinfo=SHANGHAI)
    assert opened.resolution_due_at == datetime(2026, 2, 24, 12, 0, tzinfo=SHANGHAI)
    assert (opened.subject, opened.status, opened.priority, opened.tags) == ("invoice for January", "new", "normal",
                                                                             ["invoice"])  # fmt: skip
    async with db.read() as s:
        kinds = await s.scalars(select(HistoryEntry.kind).where(HistoryEntry.ticket_id == ticket_id))
        assert list(kinds) == ["ticket.created"]


async def test_contacts_get_due_times_in_their_queues_business_time(sla_hub: Hub, db: Database) -> None:
    around = await row(db, await contact(sla_hub, "where is my parcel", who="li@example.com", n=1))
    office = await row(db, await contact(sla_hub, "wrong invoice", who="li@example.com", queue="billing", n=2,
                                         explicit_threading=True))  # fmt: skip
    assert office.id != around.id
    assert around.first_response_due_at is not None and office.first_response_due_at is not None
    target = (around.first_response_due_at - around.created_at).total_seconds()
    assert business_seconds(CHINA, office.created_at, office.first_response_due_at) == pytest.approx(target)
    assert office.first_response_due_at == add_business(CHINA, office.created_at, target)


async def test_pending_stops_the_clocks_and_reopening_moves_the_due_times_on(sla_hub: Hub, db: Database) -> None:
    token = await make_token(db, "supervisor")
    ticket_id = await contact(sla_hub, "refund please", who="zhao@example.com", queue="billing", n=1)
    status, body = await call(sla_hub, token, "PATCH", f"/api/v1/tickets/{ticket_id}", {"status": "pending"})
    assert status == 200 and body["ticket"]["sla_paused_at"] is not None, body
    # The customer takes three days to answer: the pause began earlier than it did.
    paused_at = utcnow() - timedelta(days=3)
    async with db.write() as uow:
        await uow.session.execute(update(Ticket).where(Ticket.id == ticket_id).values(sla_paused_at=paused_at))
    before = await row(db, ticket_id)
    await contact(sla_hub, "here is the receipt", who="zhao@example.com", queue="billing", n=2)
    after = await row(db, ticket_id)
    assert after.status == "open" and after.sla_paused_at is None
    waited = business_seconds(CHINA, paused_at, after.last_message_at)
    assert waited > 0
    assert before.first_response_due_at is not None and before.resolution_due_at is not None
    assert after.first_response_due_at == add_business(CHINA, before.first_response_due_at, waited)
    assert after.resolution_due_at == add_business(CHINA, before.resolution_due_at, waited)

    # Pending again, and an agent opens it: the same through a status change.
    await call(sla_hub, token, "PATCH", f"/api/v1/tickets/{ticket_id}", {"status": "pending"})
    async with db.write() as uow:
        await uow.session.execute(update(Ticket).where(Ticket.id == ticket_id).values(sla_paused_at=paused_at))
    status, body = await call(sla_hub, token, "PATCH", f"/api/v1/tickets/{ticket_id}", {"status": "open"})
    assert status == 200 and body["ticket"]["sla_paused_at"] is None
    reopened = await row(db, ticket_id)
    waited = business_seconds(CHINA, paused_at, reopened.updated_at)
    assert reopened.resolution_due_at == add_business(CHINA, after.resolution_due_at, waited)


async def test_breaches_are_flagged_recorded_and_listed(sla_hub: Hub, db: Database) -> None:
    token = await make_token(db, "supervisor")
    late = await contact(sla_hub, "nobody answered", who="a@example.com", n=1)
    fine = await contact(sla_hub, "just arrived", who="b@example.com", n=2)
    waiting = await contact(sla_hub, "waiting on me", who="c@example.com", n=3)
    missed = (utcnow() - timedelta(hours=1)).replace(microsecond=0)
    async with db.write() as uow:
        await uow.session.execute(update(Ticket).where(Ticket.id == late).values(first_response_due_at=missed))
    # Pending before its due time passed: its clocks stand still, so no breach.
    await call(sla_hub, token, "PATCH", f"/api/v1/tickets/{waiting}", {"status": "pending"})
    async with db.write() as uow:
        await uow.session.execute(update(Ticket).where(Ticket.id == waiting).values(first_response_due_at=missed))

    status, listed = await call(sla_hub, token, "GET", "/api/v1/tickets?sla=breached")
    assert status == 200 and [t["id"] for t in listed["tickets"]] == [late]
    assert (
        listed["tickets"][0]["sla_breached"] is True and listed["tickets"][0]["sla_breached_at"] == missed.isoformat()
    )
    _, one = await call(sla_hub, token, "GET", f"/api/v1/tickets/{fine}")
    assert one["ticket"]["sla_breached"] is False and one["ticket"]["sla_breached_at"] is None
    _, every = await call(sla_hub, token, "GET", "/api/v1/tickets?sla=breached&status=new,pending&channel=email")
    assert [t["id"] for t in every["tickets"]] == [late]
    status, _ = await call(sla_hub, token, "GET", "/api/v1/tickets?sla=late")
    assert status == 400

    # Recorded, the breach stays when the ticket catches up (its due time moved on, say after a pause).
    assert await sla.record_breaches(sla_hub.app[keys.DB], utcnow()) == 1
    assert await sla.record_breaches(sla_hub.app[keys.DB], utcnow()) == 0
    assert (await row(db, late)).sla_breached_at == missed
    async with db.write() as uow:
        ahead = utcnow() + timedelta(days=1)
        await uow.session.execute(update(Ticket).where(Ticket.id == late).values(first_response_due_at=ahead))
    _, listed = await call(sla_hub, token, "GET", "/api/v1/tickets?sla=breached")
    assert [t["id"] for t in listed["tickets"]] == [late]

    # A late first response is a breach too, kept once the ticket is answered.
    async with db.write() as uow:
        values = {"first_response_due_at": missed, "first_responded_at": missed + timedelta(minutes=5)}
        await uow.session.execute(update(Ticket).where(Ticket.id == fine).values(**values))
    _, listed = await call(sla_hub, token, "GET", "/api/v1/tickets?sla=breached")
    assert sorted(t["id"] for t in listed["tickets"]) == sorted([late, fine])


async def test_the_openapi_document_names_the_sla_fields_and_filter(sla_hub: Hub) -> None:
    async with aiohttp.ClientSession() as http, http.get(sla_hub.url + "/api/openapi.json") as r:
        spec = await r.json()
    ticket = spec["components"]["schemas"]["Ticket"]["properties"]
    assert ticket["sla_breached"] == {"type": "boolean"}
    assert ticket["sla_breached_at"]["type"] == ["string", "null"]
    parameters = {p["name"]: p for p in spec["paths"]["/api/v1/tickets"]["get"]["parameters"]}
    assert parameters["sla"]["schema"] == {"enum": ["breached"]}
    assert {"get", "post"} <= set(spec["paths"]["/api/v1/queues"])


async def test_the_leading_process_records_breaches_as_they_happen(sla_hub: Hub, db: Database) -> None:
    late = await contact(sla_hub, "still waiting", who="d@example.com", n=1)
    missed = (utcnow() - timedelta(minutes=10)).replace(microsecond=0)
    async with db.write() as uow:
        await uow.session.execute(update(Ticket).where(Ticket.id == late).values(resolution_due_at=missed))
    # The app's own watch looks every 30 s; this one, leading in its place, every 50 ms.
    await sla_hub.app[BREACHES].stop()
    watch = BreachWatch(db, partial(Leadership, db), every_s=0.05)
    await watch.start()
    try:

        async def recorded() -> bool:
            return (await row(db, late)).sla_breached_at == missed

        await until(recorded, what="the breach recorded on the ticket")
    finally:
        await watch.stop()
    async with db.read() as s:
        assert await s.scalar(select(Ticket.id).where(Ticket.sla_breached_at.is_not(None))) == late
