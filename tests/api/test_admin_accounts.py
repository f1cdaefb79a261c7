"""The admin pages' endpoints: every agent account (inactive ones too), creating one, and the configured calendars."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from sqlalchemy import select

from hub.app import create_app
from hub.db.engine import Database
from hub.db.models import AuditEntry
from hub.settings import Settings
from hub.tickets.business_time import Calendar
from tests.conftest import Hub, make_agent, make_token


async def call(hub: Hub, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        return r.status, await r.json()


async def test_admins_create_agents_and_list_every_account(hub: Hub, db: Database) -> None:
    admin = await make_token(db, "admin")
    body = {"email": " Li.Na@Example.test ", "display_name": "李娜", "role": "supervisor", "password": "long enough"}
    status, made = await call(hub, admin, "POST", "/api/v1/agents", body)
    assert status == 201, made
    assert (made["email"], made["display_name"], made["role"], made["active"]) == (
        "li.na@example.test",
        "李娜",
        "supervisor",
        True,
    )
    status, again = await call(hub, admin, "POST", "/api/v1/agents", body)
    assert status == 409 and "exists already" in again["error"]["message"]
    status, short = await call(hub, admin, "POST", "/api/v1/agents", {**body, "email": "b@x.test", "password": "short"})
    assert status == 422 and short["error"]["code"] == "invalid"

    gone = await make_agent(db, "gone@x.test")
    status, _ = await call(hub, admin, "PATCH", f"/api/v1/agents/{gone.id}", {"active": False})
    assert status == 200
    status, listed = await call(hub, admin, "GET", "/api/v1/agents/accounts")
    assert status == 200
    by_email = {a["email"]: a for a in listed["agents"]}
    assert by_email["gone@x.test"]["active"] is False and by_email["li.na@example.test"]["role"] == "supervisor"
    # The yellow pages still list only who works.
    status, yellow = await call(hub, admin, "GET", "/api/v1/agents")
    assert "gone@x.test" not in {a["email"] for a in yellow["agents"]}
    async with db.read() as s:
        created = list(await s.scalars(select(AuditEntry.target_id).where(AuditEntry.action == "agent.created")))
    assert created == [made["id"]]


async def test_only_admins_manage_accounts(hub: Hub, db: Database) -> None:
    supervisor = await make_token(db, "supervisor")
    status, _ = await call(hub, supervisor, "GET", "/api/v1/agents/accounts")
    assert status == 403
    body = {"email": "x@x.test", "password": "long enough"}
    status, _ = await call(hub, supervisor, "POST", "/api/v1/agents", body)
    assert status == 403


async def test_calendars_show_hours_holidays_and_extra_workdays(
    settings: Settings, aiohttp_server: Callable[..., Any], db: Database
) -> None:
    from datetime import date

    office = Calendar(
        "cn-office",
        ZoneInfo("Asia/Shanghai"),
        ((((9 * 60, 18 * 60),),) * 5) + ((), ()),
        holidays=frozenset({date(2026, 10, 1), date(2026, 10, 2)}),
        workdays=frozenset({date(2026, 9, 27)}),
    )
    app = create_app(dataclasses.replace(settings, calendars={"cn-office": office}))
    hub = Hub(await aiohttp_server(app), app, settings)
    status, body = await call(hub, await make_token(db, "supervisor"), "GET", "/api/v1/calendars")
    assert status == 200
    [calendar] = body["calendars"]
    assert calendar["name"] == "cn-office" and calendar["time_zone"] == "Asia/Shanghai"
    assert calendar["hours"]["mon"] == ["09:00-18:00"] and calendar["hours"]["sun"] == []
    assert calendar["holidays"] == ["2026-10-01", "2026-10-02"] and calendar["workdays"] == ["2026-09-27"]
    status, _ = await call(hub, await make_token(db, "agent"), "GET", "/api/v1/calendars")
    assert status == 403
