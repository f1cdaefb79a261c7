"""Business-hours calendars over REST: everyone who plans reads them, admins create, change and delete them."""

from __future__ import annotations

from aiohttp import web

from hub import keys
from hub.api.errors import require
from hub.api.refusal import refuse, refuse_for
from hub.api.requests_calendars import CalendarBody, CalendarChangeBody
from hub.api.validation import read_as
from hub.tickets import calendar_admin
from hub.tickets.calendar_admin import CalendarConflict, CalendarEdit, CalendarNotFound, CalendarRefused

routes = web.RouteTableDef()


def _name(request: web.Request) -> str:
    name = request.match_info["name"]
    if len(name) > 64:
        raise refuse(404, "no such calendar")
    return name


def _refused(exc: Exception) -> web.HTTPException:
    if isinstance(exc, CalendarNotFound):
        return refuse_for(404, exc)
    if isinstance(exc, CalendarConflict):
        return refuse_for(409, exc)
    return refuse_for(422, exc)


@routes.get("/api/v1/calendars")
async def list_calendars(request: web.Request) -> web.Response:
    """Every calendar by name with the queues counting in it (supervisors and admins)."""
    await require(request, "supervisor")
    async with request.app[keys.DB].read() as s:
        return web.json_response({"calendars": await calendar_admin.list_calendars(s)})


@routes.post("/api/v1/calendars")
async def create_calendar(request: web.Request) -> web.Response:
    actor = await require(request, "admin")
    body = await read_as(request, CalendarBody)
    given = body.given()
    name = given.pop("name")
    if given.pop("hours", None) is not None and body.hours is not None:
        # Days left out of a new calendar's hours are closed (in a change, they stay as they were).
        given["hours"] = body.hours.model_dump()
    try:
        async with request.app[keys.DB].write() as uow:
            row = await calendar_admin.create_calendar(uow, actor, name, CalendarEdit(**given))
            answer = calendar_admin.calendar_json(row)
    except (CalendarRefused, CalendarNotFound) as exc:
        raise _refused(exc) from None
    return web.json_response(answer, status=201)


@routes.patch("/api/v1/calendars/{name}")
async def change_calendar(request: web.Request) -> web.Response:
    actor = await require(request, "admin")
    name = _name(request)
    body = await read_as(request, CalendarChangeBody)
    given = body.given()
    if not given:
        raise refuse(
            422, "send at least one of %(fields)s", fields="time_zone, hours, holidays, workdays, workday_hours"
        )
    nulls = sorted(key for key, value in given.items() if value is None)
    if nulls:
        raise refuse(422, "%(field)s: cannot be null (send [] to clear a list)", field=nulls[0])
    try:
        async with request.app[keys.DB].write() as uow:
            row = await calendar_admin.update_calendar(uow, actor, name, CalendarEdit(**given))
            users = (await calendar_admin.queues_using(uow.session)).get(name, [])
            answer = calendar_admin.calendar_json(row, users)
    except (CalendarRefused, CalendarNotFound) as exc:
        raise _refused(exc) from None
    return web.json_response(answer)


@routes.delete("/api/v1/calendars/{name}")
async def delete_calendar(request: web.Request) -> web.Response:
    """409 while a queue counts in it."""
    actor = await require(request, "admin")
    name = _name(request)
    try:
        async with request.app[keys.DB].write() as uow:
            await calendar_admin.delete_calendar(uow, actor, name)
    except (CalendarRefused, CalendarNotFound) as exc:
        raise _refused(exc) from None
    return web.json_response({"deleted": name})
