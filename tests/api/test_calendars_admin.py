"""Calendar administration: admins create calendars, edit hours, time zone, holidays and workdays (audited, 4xx
naming what is wrong), delete them only when no queue uses them; the next ticket counts in the new hours."""

from __future__ import annotations

import asyncio
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from sqlalchemy import select

from hub import keys
from hub.bus import EventBus
from hub.db.engine import Database
from hub.db.models import AuditEntry, Ticket
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.tickets import sla
from hub.tickets.calendar_store import reload_calendars, sync_calendars
from hub.tickets.calendar_table import StoredCalendar
from tests.conftest import Hub, make_token
from tests.tickets.test_sla_calendar_tickets import CHINA

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLOSED: dict[str, list[str]] = {day: [] for day in ("mon", "tue", "wed", "thu", "fri", "sat")}


async def call(hub: Hub, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        return r.status, await r.json()


async def audits(db: Database, action: str) -> list[dict[str, Any]]:
    async with db.read() as s:
        query = select(AuditEntry.details).where(AuditEntry.action == action).order_by(AuditEntry.id)
        return list(await s.scalars(query))


async def test_admins_create_edit_and_delete_a_calendar(hub: Hub, db: Database) -> None:
    admin = await make_token(db, "admin")
    status, listed = await call(hub, admin, "GET", "/api/v1/calendars")
    office = {c["name"]: c for c in listed["calendars"]}["cn-office"]  # mirrored from hub.toml at start-up
    assert (office["configured"], office["edited"], office["hours"]["mon"]) == (True, False, ["09:00-18:00"])
    assert "2026-10-01" in office["holidays"]

    body = {"name": "berlin", "time_zone": "Europe/Berlin", "hours": {"mon": ["13:00-17:00", "8:00 - 12:00"]},
            "holidays": ["2026-12-25", "2026-12-24", "2026-12-25"]}  # fmt: skip
    status, made = await call(hub, admin, "POST", "/api/v1/calendars", body)
    assert status == 201, made
    assert made["hours"] == {"mon": ["08:00-12:00", "13:00-17:00"], "tue": [], "wed": [], "thu": [], "fri": [],
                             "sat": [], "sun": []}  # fmt: skip
    assert made["holidays"] == ["2026-12-24", "2026-12-25"] and made["configured"] is False
    assert sla.calendar_named("berlin") is not None  # this process counts in it at once

    change = {"time_zone": "Asia/Shanghai", "hours": {"sat": ["10:00-14:00"]}, "workdays": ["2026-12-27"]}
    status, changed = await call(hub, admin, "PATCH", "/api/v1/calendars/berlin", change)
    assert status == 200, changed
    assert changed["hours"]["mon"] == ["08:00-12:00", "13:00-17:00"] and changed["hours"]["sat"] == ["10:00-14:00"]
    assert changed["time_zone"] == "Asia/Shanghai" and changed["workdays"] == ["2026-12-27"]
    calendar = sla.calendar_named("berlin")
    assert calendar is not None and calendar.zone.key == "Asia/Shanghai" and calendar.hours[5] == ((600, 840),)

    [created] = await audits(db, "calendar.created")
    assert created["name"] == "berlin" and created["time_zone"] == "Europe/Berlin"
    [updated] = await audits(db, "calendar.updated")
    week: list[list[str]] = [["08:00-12:00", "13:00-17:00"], [], [], [], [], [], []]
    assert updated["changes"] == {
        "time_zone": ["Europe/Berlin", "Asia/Shanghai"],
        "hours": [week, [*week[:5], ["10:00-14:00"], []]],
        "workdays": [[], ["2026-12-27"]],
    }
    # Sending what it holds already changes nothing and records nothing.
    assert (await call(hub, admin, "PATCH", "/api/v1/calendars/berlin", {"time_zone": "Asia/Shanghai"}))[0] == 200
    assert len(await audits(db, "calendar.updated")) == 1

    # In use: deleting it is refused with the queues named, until they count in another calendar.
    assert (await call(hub, admin, "POST", "/api/v1/queues", {"name": "desk", "calendar": "berlin"}))[0] == 201
    status, refused = await call(hub, admin, "DELETE", "/api/v1/calendars/berlin")
    assert status == 409 and "desk" in refused["error"]["message"], refused
    _, listed = await call(hub, admin, "GET", "/api/v1/calendars")
    assert {c["name"]: c["queues"] for c in listed["calendars"]}["berlin"] == ["desk"]
    assert (await call(hub, admin, "PATCH", "/api/v1/queues/desk", {"calendar": "cn-office"}))[0] == 200
    status, deleted = await call(hub, admin, "DELETE", "/api/v1/calendars/berlin")
    assert (status, deleted) == (200, {"deleted": "berlin"})
    assert [a["name"] for a in await audits(db, "calendar.deleted")] == ["berlin"]
    assert sla.calendar_named("berlin") is None
    status, _ = await call(hub, admin, "POST", "/api/v1/queues", {"name": "late", "calendar": "berlin"})
    assert status == 422


async def test_a_ticket_opened_after_an_edit_counts_in_the_new_hours(hub: Hub, db: Database) -> None:
    admin = await make_token(db, "admin")
    assert (await call(hub, admin, "POST", "/api/v1/queues", {"name": "desk", "calendar": "cn-office"}))[0] == 201
    # One working hour a week, on Sundays: whenever this runs, the first response falls due on a Sunday.
    change = {"hours": {**CLOSED, "sun": ["10:00-11:00"]}, "workdays": [], "workday_hours": []}
    status, changed = await call(hub, admin, "PATCH", "/api/v1/calendars/cn-office", change)
    assert status == 200 and changed["edited"] is True, changed
    envelope = InboundEnvelope(channel="email", external_id="after-edit", sender=IdentityRef("email", "li@x.test"),
                               text="where is my refund?", queue="desk")  # fmt: skip
    ticket_id = (await hub.app[keys.INGESTOR].ingest(envelope)).ticket.id
    async with db.read() as s:
        ticket = await s.get_one(Ticket, ticket_id)
    for due in (ticket.first_response_due_at, ticket.resolution_due_at):
        assert due is not None
        local = due.astimezone(SHANGHAI)
        assert local.weekday() == 6 and time(10, 0) < local.time() <= time(11, 0), local

    # The next start-up keeps the admin's hours although hub.toml still says Monday to Friday.
    await sync_calendars(db, hub.settings.calendars)
    await reload_calendars(db)
    calendar = sla.calendar_named("cn-office")
    assert calendar is not None and calendar.hours[6] == ((600, 660),) and calendar.hours[0] == ()


async def test_bad_input_is_a_4xx_naming_the_problem(hub: Hub, db: Database) -> None:
    admin, supervisor = await make_token(db, "admin"), await make_token(db, "supervisor")
    new = {"name": "ok", "time_zone": "Asia/Shanghai"}
    bodies: list[tuple[dict[str, Any], str]] = [
        ({**new, "time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({**new, "time_zone": "../../etc/passwd"}, "time_zone"),
        ({"name": "ok"}, "time_zone"),
        ({**new, "name": "Has Spaces"}, "name"),
        ({**new, "hours": {"mon": ["09:00-12:00", "11:00-13:00"]}}, "overlap"),
        ({**new, "hours": {"mon": ["18:00-09:00"]}}, "ends before it starts"),
        ({**new, "hours": {"mon": ["nine to six"]}}, "hours.mon"),
        ({**new, "hours": {"mon": ["09:00-25:00"]}}, "hours.mon"),
        ({**new, "hours": {"mon": "09:00-18:00"}}, "hours.mon"),
        ({**new, "hours": {"funday": ["09:00-18:00"]}}, "unknown field"),
        ({**new, "hours": {}}, "at least one weekday"),
        ({**new, "holidays": ["2026-02-30"]}, "holidays"),
        ({**new, "holidays": ["tomorrow"]}, "holidays"),
        ({**new, "holidays": ["2026-10-01"], "workdays": ["2026-10-01"]}, "workdays"),
        ({**new, "colour": "blue"}, "unknown field"),
    ]
    for body, said in bodies:
        status, answer = await call(hub, admin, "POST", "/api/v1/calendars", body)
        assert status == 422 and said in answer["error"]["message"], (body, answer)
    assert (await call(hub, admin, "POST", "/api/v1/calendars", {**new, "name": "cn-office"}))[0] == 409
    changes: list[tuple[dict[str, Any], str]] = [
        ({}, "at least one"),
        ({"time_zone": None}, "null"),
        ({"hours": {"tue": ["12:00-11:00"]}}, "hours.tue"),
        ({"hours": {**CLOSED, "sun": []}}, "at least one weekday"),
        ({"workday_hours": ["10:00-09:00"]}, "workday_hours"),
        ({"holidays": ["2026-13-01"]}, "holidays"),
        ({"name": "renamed"}, "unknown field"),
    ]
    for body, said in changes:
        status, answer = await call(hub, admin, "PATCH", "/api/v1/calendars/cn-office", body)
        assert status == 422 and said in answer["error"]["message"], (body, answer)
    assert (await call(hub, admin, "PATCH", "/api/v1/calendars/nowhere", {"time_zone": "UTC"}))[0] == 404
    assert (await call(hub, admin, "DELETE", "/api/v1/calendars/nowhere"))[0] == 404
    assert (await call(hub, admin, "DELETE", "/api/v1/calendars/" + "x" * 300))[0] == 404
    assert (await call(hub, supervisor, "GET", "/api/v1/calendars"))[0] == 200
    for method, path in (("POST", ""), ("PATCH", "/cn-office"), ("DELETE", "/cn-office")):
        status, _ = await call(hub, supervisor, method, "/api/v1/calendars" + path, {"time_zone": "UTC"})
        assert status == 403
    assert await audits(db, "calendar.updated") == [] and await audits(db, "calendar.created") == []


async def test_the_start_up_sync_adds_refreshes_and_lets_go(hub: Hub, db: Database, database_url: str) -> None:
    admin = await make_token(db, "admin")
    # Processes starting together each add what is missing: no unique-name failure, one row.
    second = Database(database_url, EventBus())
    try:
        await asyncio.gather(sync_calendars(db, {"cn": CHINA}), sync_calendars(second, {"cn": CHINA}))
    finally:
        await second.dispose()
    async with db.read() as s:
        names = list(await s.scalars(select(StoredCalendar.name).order_by(StoredCalendar.name)))
    assert names == ["cn", "cn-office"]
    # A file that changed reaches a calendar no admin edited; one taken out of the file becomes the admins'.
    later = CHINA.__class__(CHINA.name, ZoneInfo("Asia/Hong_Kong"), CHINA.hours, CHINA.holidays, CHINA.workdays)
    await sync_calendars(db, {"cn": later})
    _, listed = await call(hub, admin, "GET", "/api/v1/calendars")
    by_name = {c["name"]: c for c in listed["calendars"]}
    assert by_name["cn"]["time_zone"] == "Asia/Hong_Kong" and by_name["cn"]["configured"] is True
    assert by_name["cn-office"]["configured"] is False
    assert (await call(hub, admin, "DELETE", "/api/v1/calendars/cn-office"))[0] == 200
