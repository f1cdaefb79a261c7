"""Queue administration over REST (admins): list, create, change (name shown, calendar, auto-assignment), members."""

from __future__ import annotations

import re

from aiohttp import web

from hub import keys
from hub.api.errors import require
from hub.api.refusal import refuse, refuse_for
from hub.api.requests_queues import MembersBody, QueueBody, QueueChangeBody
from hub.api.validation import read_as
from hub.tickets import queue_admin
from hub.tickets.queue_admin import QueueEdit, QueueExists, QueueNotFound, QueueRefused

routes = web.RouteTableDef()
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _name(request: web.Request) -> str:
    name = request.match_info["name"]
    if not _NAME.match(name):
        raise refuse(404, "no such queue")
    return name


def _refused(exc: Exception) -> web.HTTPException:
    if isinstance(exc, QueueNotFound):
        return refuse_for(404, exc)
    if isinstance(exc, QueueExists):
        return refuse_for(409, exc)
    return refuse_for(422, exc)


@routes.get("/api/v1/queues")
async def list_queues(request: web.Request) -> web.Response:
    await require(request, "admin")
    async with request.app[keys.DB].read() as s:
        return web.json_response({"queues": await queue_admin.list_queues(s)})


@routes.post("/api/v1/queues")
async def create_queue(request: web.Request) -> web.Response:
    actor = await require(request, "admin")
    body = await read_as(request, QueueBody)
    try:
        async with request.app[keys.DB].write() as uow:
            queue = await queue_admin.create_queue(
                uow.session, actor, body.name, body.display_name, body.calendar, body.auto_assign
            )
            answer = await queue_admin.queue_json(uow.session, queue)
    except (QueueRefused, QueueNotFound) as exc:
        raise _refused(exc) from None
    return web.json_response(answer, status=201)


@routes.patch("/api/v1/queues/{name}")
async def change_queue(request: web.Request) -> web.Response:
    actor = await require(request, "admin")
    name = _name(request)
    body = await read_as(request, QueueChangeBody)
    given = body.given()
    if not given:
        raise refuse(422, "send at least one of display_name, calendar, auto_assign")
    if given.get("display_name", "") is None or given.get("auto_assign", False) is None:
        raise refuse(422, "display_name and auto_assign cannot be null")
    edit = QueueEdit(**given)
    try:
        async with request.app[keys.DB].write() as uow:
            queue = await queue_admin.update_queue(uow, actor, name, edit)
            answer = await queue_admin.queue_json(uow.session, queue)
    except (QueueRefused, QueueNotFound) as exc:
        raise _refused(exc) from None
    return web.json_response(answer)


@routes.put("/api/v1/queues/{name}/members")
async def put_members(request: web.Request) -> web.Response:
    actor = await require(request, "admin")
    name = _name(request)
    body = await read_as(request, MembersBody)
    try:
        async with request.app[keys.DB].write() as uow:
            queue = await queue_admin.set_members(uow, actor, name, body.agent_ids)
            answer = await queue_admin.queue_json(uow.session, queue)
    except (QueueRefused, QueueNotFound) as exc:
        raise _refused(exc) from None
    return web.json_response(answer)
