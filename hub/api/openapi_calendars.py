"""OpenAPI paths of business-hours calendars: read by supervisors, created, changed and deleted by admins."""

from __future__ import annotations

from typing import Any

from hub.api.requests_calendars import CalendarBody, CalendarChangeBody
from hub.api.spec_parts import ok as _ok
from hub.api.validation import request_body

_STRINGS = {"type": "array", "items": {"type": "string"}}
CALENDAR: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "time_zone": {"type": "string", "description": "IANA name, e.g. Asia/Shanghai"},
        "hours": {
            "type": "object",
            "description": "mon..sun to working spans such as 09:00-18:00",
            "additionalProperties": _STRINGS,
        },
        "holidays": {**_STRINGS, "description": "ISO dates off"},
        "workdays": {**_STRINGS, "description": "ISO dates worked although on a weekend"},
        "workday_hours": _STRINGS,
        "configured": {"type": "boolean", "description": "came from hub.toml's [calendars.<name>]"},
        "edited": {"type": "boolean", "description": "changed by an admin: the file no longer refreshes it"},
        "queues": {**_STRINGS, "description": "the queues whose SLA clocks count in it"},
        "updated_at": {"type": "string", "format": "date-time"},
    },
}
_NAME = [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}]

CALENDAR_PATHS: dict[str, Any] = {
    "/api/v1/calendars": {
        "get": {
            "summary": "Every business-hours calendar with its holidays and the queues using it (supervisors, admins)",
            "responses": _ok({"type": "object", "properties": {"calendars": {"type": "array", "items": CALENDAR}}}),
        },
        "post": {
            "summary": "Create a calendar (admins); audited; every process uses it at once; 409 when the name is taken",
            "requestBody": request_body(CalendarBody),
            "responses": _ok(CALENDAR, "201"),
        },
    },
    "/api/v1/calendars/{name}": {
        "patch": {
            "summary": "Change a calendar's time zone, weekday hours, holidays or workdays (admins); audited; new "
            "tickets' due times use it at once, running ones keep theirs",
            "parameters": _NAME,
            "requestBody": request_body(CalendarChangeBody),
            "responses": _ok(CALENDAR),
        },
        "delete": {
            "summary": "Delete a calendar (admins); audited; 409 while a queue uses it",
            "parameters": _NAME,
            "responses": _ok({"type": "object", "properties": {"deleted": {"type": "string"}}}),
        },
    },
}
