"""The last refusals that were English only carry their template and parameters: calendars, preferences, request
bodies, imports, privacy, audit filters and routing reloads, one representative of each."""

from __future__ import annotations

import asyncio
import dataclasses
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

from hub import keys
from hub.app import create_app
from hub.db.engine import Database
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.settings import Settings
from tests.api.test_error_keys import call, filled
from tests.conftest import Hub, make_token


async def test_calendar_refusals_carry_their_template(hub: Hub, admin_token: str) -> None:
    new = {"name": "desk", "time_zone": "Mars/Olympus_Mons"}
    status, error = await call(hub, admin_token, "POST", "/api/v1/calendars", new)
    assert (status, error["code"], error["key"]) == (
        422,
        "invalid",
        "%(field)s: %(value)s is not an IANA time zone name such as Asia/Shanghai",
    )
    assert error["params"] == {"field": "time_zone", "value": "'Mars/Olympus_Mons'"}
    assert error["message"] == filled(error)
    night = {"name": "desk", "time_zone": "UTC", "hours": {"mon": ["18:00-09:00"]}}
    status, error = await call(hub, admin_token, "POST", "/api/v1/calendars", night)
    assert status == 422 and error["params"] == {"field": "hours.mon", "span": "18:00-09:00"}
    assert error["message"].startswith("hours.mon: '18:00-09:00' ends before it starts") and filled(error)
    status, error = await call(hub, admin_token, "POST", "/api/v1/calendars", {"name": "desk", "time_zone": "UTC"})
    assert status == 201
    status, error = await call(hub, admin_token, "POST", "/api/v1/calendars", {"name": "desk", "time_zone": "UTC"})
    assert (status, error["code"], error["key"], error["params"]) == (
        409,
        "conflict",
        "calendar '%(name)s' exists already",
        {"name": "desk"},
    )
    status, error = await call(hub, admin_token, "PATCH", "/api/v1/calendars/desk", {"holidays": None})
    assert (status, error["key"], error["params"]) == (
        422,
        "%(field)s: cannot be null (send [] to clear a list)",
        {"field": "holidays"},
    )
    status, error = await call(hub, admin_token, "DELETE", "/api/v1/calendars/nowhere")
    assert (status, error["code"], error["key"], error["params"]) == (
        404,
        "not_found",
        "calendar '%(name)s' does not exist",
        {"name": "nowhere"},
    )
    assert error["message"] == "calendar 'nowhere' does not exist"
    status, error = await call(hub, admin_token, "POST", "/api/v1/queues", {"name": "night", "calendar": "moon"})
    assert status == 422 and (error["key"], error["params"]["calendar"]) == (
        "no calendar named '%(calendar)s'; known: %(known)s",
        "moon",
    )
    assert isinstance(error["params"]["known"], str) and error["message"] == filled(error)


async def test_preferences_refused_to_a_token_carry_their_template(hub: Hub, admin_token: str) -> None:
    status, error = await call(hub, admin_token, "GET", "/api/v1/me/preferences")
    assert (status, error["code"], error["key"], error["params"]) == (
        400,
        "bad_request",
        "preferences belong to a signed-in agent, not an API token",
        {},
    )
    assert error["message"] == error["key"]


async def raw(hub: Hub, token: str, path: str, data: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    async with aiohttp.ClientSession(headers=headers) as http, http.post(hub.url + path, data=io.BytesIO(data)) as r:
        return r.status, (await r.json())["error"]


async def test_request_body_refusals_carry_their_template(hub: Hub, admin_token: str) -> None:
    status, error = await raw(hub, admin_token, "/api/v1/queues", b'{"name": ', "application/json")
    assert (status, error["code"], error["key"], error["params"]) == (
        400,
        "bad_request",
        "request body is not valid JSON (UTF-8, finite numbers)",
        {},
    )
    status, error = await raw(hub, admin_token, "/api/v1/queues", b"[1, 2]", "application/json")
    assert (status, error["key"]) == (400, "request body must be a JSON object")
    deep = b"[" * 40 + b"]" * 40
    status, error = await raw(hub, admin_token, "/api/v1/queues", b'{"name": ' + deep + b"}", "application/json")
    assert (status, error["key"], error["params"]) == (
        400,
        "request body is nested deeper than %(max)s levels",
        {"max": 32},
    )
    assert error["message"] == "request body is nested deeper than 32 levels" == filled(error)
    status, error = await raw(hub, admin_token, "/api/v1/queues", b" " * 1_048_577, "application/json")
    assert (status, error["code"], error["key"], error["params"]) == (
        413,
        "too_large",
        "the request body is larger than %(max)s bytes",
        {"max": 1_048_576},
    )
    assert error["message"] == filled(error)
    form = b'--b\r\nContent-Disposition: form-data; name="other"\r\n\r\nx\r\n--b--\r\n'
    status, error = await raw(hub, admin_token, "/api/v1/attachments", form, "multipart/form-data; boundary=b")
    assert (status, error["key"], error["params"]) == (
        400,
        "send multipart/form-data with one `%(field)s` part",
        {"field": "file"},
    )
    assert error["message"] == "send multipart/form-data with one `file` part" == filled(error)


async def test_import_and_privacy_refusals_carry_their_template(hub: Hub, admin_token: str) -> None:
    sheet = "名前,住所\nAda,London\n".encode()
    status, error = await raw(hub, admin_token, "/api/v1/customers/import", sheet, "text/csv")
    assert (status, error["code"], error["params"]) == (
        422,
        "invalid",
        {"fields": error["params"]["fields"], "found": "名前, 住所"},
    )
    assert error["key"].startswith("the first line must name the columns: a name and at least one of %(fields)s")
    assert "email" in error["params"]["fields"] and error["message"] == filled(error)
    # A zip that is no workbook (workbooks themselves are read: tests/customers/test_customers_import_sheets.py).
    not_a_workbook = b"PK\x03\x04" + b"\x00" * 64
    status, error = await raw(hub, admin_token, "/api/v1/customers/import", not_a_workbook, "text/csv")
    assert (status, error["key"], error["params"]) == (
        422,
        "this zip file is no Excel workbook (.xlsx): save it as .xlsx or CSV UTF-8",
        {},
    )
    status, error = await call(hub, admin_token, "GET", "/api/v1/customers/424242/export")
    assert (status, error["code"], error["key"], error["params"]) == (
        404,
        "not_found",
        "customer %(customer)s does not exist",
        {"customer": 424242},
    )
    sender = IdentityRef("email", "erase.me@example.com")
    envelope = InboundEnvelope(channel="email", external_id="<erase@x>", sender=sender, text="delete my data")
    customer = (await hub.app[keys.INGESTOR].ingest(envelope)).ticket.customer_id
    status, error = await call(hub, admin_token, "POST", f"/api/v1/customers/{customer}/erase", {})
    assert (status, error["code"], error["params"]) == (409, "conflict", {"customer": customer, "count": 1})
    assert error["key"].startswith("customer %(customer)s has %(count)s open ticket(s), which erasure closes")
    assert error["message"] == filled(error) and error["message"].startswith(f"customer {customer} has 1 open")


async def test_audit_filter_refusals_carry_their_template(hub: Hub, admin_token: str) -> None:
    status, error = await call(hub, admin_token, "GET", "/api/v1/audit?colour=red")
    assert (status, error["code"], error["key"]) == (
        422,
        "invalid",
        "%(field)s: unknown filter; the filters are %(choices)s",
    )
    assert error["params"]["field"] == "colour" and "entity" in error["params"]["choices"]
    assert error["message"] == filled(error)
    status, error = await call(hub, admin_token, "GET", "/api/v1/audit?since=yesterday")
    assert (status, error["key"], error["params"]) == (
        422,
        "%(field)s: not an ISO 8601 date or date-time: '%(value)s'",
        {"field": "since", "value": "yesterday"},
    )
    status, error = await call(hub, admin_token, "GET", "/api/v1/audit?limit=0")
    assert (error["key"], error["params"]) == (
        "%(field)s: a whole number from 1 to %(max)s",
        {"field": "limit", "max": 200},
    )
    assert error["message"] == "limit: a whole number from 1 to 200"


async def test_a_refused_routing_reload_carries_the_files_problem(
    settings: Settings, aiohttp_server: Callable[..., Any], tmp_path: Path, db: Database
) -> None:
    path = tmp_path / "routing.toml"
    path.write_text("[offers]\nwebchat = 30\n", encoding="utf-8")
    custom = dataclasses.replace(settings, routing_config=str(path))
    app = create_app(custom)
    hub = Hub(await aiohttp_server(app), app, custom)
    token = await make_token(db, "supervisor")
    await asyncio.to_thread(path.write_text, "[offers]\nwebchat = 30\n[colours]\nsky = 'blue'\n", encoding="utf-8")
    status, error = await call(hub, token, "POST", "/api/v1/routing/reload")
    assert (status, error["code"], error["key"]) == (
        422,
        "invalid",
        "%(source)s: unknown section '%(section)s' (known: %(known)s)",
    )
    assert error["params"]["source"] == str(path) and error["params"]["section"] == "colours"
    assert error["message"] == f"{filled(error)}; the running policy stays"
    assert hub.app[keys.ROUTING].config.offers == {"webchat": 30}


def test_every_status_a_refusal_answers_with_can_be_raised() -> None:
    # aiohttp's 413 class wants sizes: a worded 413 is its own class, as every other status is aiohttp's.
    from hub.api.refusal import _STATUSES, refuse, wording_of

    for status in _STATUSES:
        exc = refuse(status, "the request body is larger than %(max)s bytes", max=10)
        assert exc.status == status and exc.reason == "the request body is larger than 10 bytes"
        assert wording_of(exc) is not None


async def test_a_path_or_method_no_route_takes_is_worded_too(hub: Hub, admin_token: str) -> None:
    status, error = await call(hub, admin_token, "POST", "/api/v1/knowledge/articles/1/publish", {})
    assert (status, error["code"], error["key"]) == (404, "not_found", "no such API endpoint: %(method)s %(path)s")
    assert error["params"] == {"method": "POST", "path": "/api/v1/knowledge/articles/1/publish"}
    assert error["message"] == filled(error)
    status, error = await call(hub, admin_token, "DELETE", "/api/v1/queues", None)
    assert (status, error["key"]) == (405, "%(method)s is not allowed here; use %(allowed)s")
    assert error["params"]["method"] == "DELETE" and "GET" in error["params"]["allowed"]
    # A handler's own 404 keeps its own words.
    status, error = await call(hub, admin_token, "GET", "/api/v1/tickets/999999", None)
    assert (status, error["key"]) == (404, "no such ticket")


async def test_a_bodys_own_checks_are_worded_with_their_field(hub: Hub, admin_token: str) -> None:
    customer = (await hub.app[keys.INGESTOR].ingest(_chat("body-checks"))).ticket
    path = f"/api/v1/tickets/{customer.id}"
    status, error = await call(hub, admin_token, "PATCH", path, {"status": "pending", "remind_at": "tomorrow"})
    assert (status, error["key"]) == (422, "%(field)s: must be an ISO 8601 time, e.g. %(example)s")
    assert error["params"] == {"field": "remind_at", "example": "2026-12-24T09:00:00+08:00"}
    assert error["message"] == filled(error)
    status, error = await call(hub, admin_token, "PATCH", path, {"status": "pending", "remind_at": "2030-01-01T09:00"})
    assert (status, error["key"]) == (422, "%(field)s: needs its UTC offset (Z or +08:00)")
    status, error = await call(hub, admin_token, "POST", "/api/v1/tickets", {"channel": "email", "text": "hi"})
    assert (status, error["key"], error["params"]) == (
        422,
        "name the customer by customer_id or by identity, one of them",
        {},
    )
    assert error["message"] == "name the customer by customer_id or by identity, one of them"
    status, error = await call(hub, admin_token, "PATCH", f"/api/v1/customers/{customer.customer_id}", {})
    assert (status, error["key"]) == (422, 'send "tier", "annual_margin", "display_name" and/or "notes"')


def _chat(visitor: str) -> InboundEnvelope:
    return InboundEnvelope(channel="webchat", external_id=visitor, sender=IdentityRef("webchat", visitor), text="hi")
