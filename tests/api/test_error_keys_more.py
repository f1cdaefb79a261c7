"""The last refusals that were English only carry their template and parameters: calendars, preferences, request
bodies, imports, privacy, audit filters and routing reloads, one representative of each."""

from __future__ import annotations

from tests.api.test_error_keys import call, filled
from tests.conftest import Hub


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
