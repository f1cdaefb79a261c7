"""GET /api/v1/calendars: the configured business-hours calendars and their holidays, read-only."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from hub import keys
from hub.api.errors import require
from hub.tickets.business_time import Calendar, Span

routes = web.RouteTableDef()
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _span(span: Span) -> str:
    start, end = span
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def calendar_json(calendar: Calendar) -> dict[str, Any]:
    return {
        "name": calendar.name,
        "time_zone": calendar.zone.key,
        "hours": {day: [_span(s) for s in spans] for day, spans in zip(WEEKDAYS, calendar.hours, strict=True)},
        "holidays": sorted(d.isoformat() for d in calendar.holidays),
        "workdays": sorted(d.isoformat() for d in calendar.workdays),
        "workday_hours": [_span(s) for s in calendar.workday_hours],
    }


@routes.get("/api/v1/calendars")
async def list_calendars(request: web.Request) -> web.Response:
    """The [calendars.<name>] tables of hub.toml, by name (supervisors and admins); change them in the file."""
    await require(request, "supervisor")
    calendars = request.app[keys.SETTINGS].calendars
    return web.json_response({"calendars": [calendar_json(calendars[name]) for name in sorted(calendars)]})
