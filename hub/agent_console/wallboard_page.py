"""The supervisors' wallboard: the page (drawn in the browser, web/supervisor) and its state over REST (first
load and every reconnect; pushes come as `queue_stats` on the /agent socket)."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from hub import keys
from hub.agent_console.feed import EVENT_IDS
from hub.agent_console.pages import SUPERVISOR_PAGES, page_principal
from hub.agent_console.supervisor_shell import render_shell
from hub.api.errors import require
from hub.clock import utcnow
from hub.db.models import Agent, Queue
from hub.routing.wallboard import wallboard

routes = web.RouteTableDef()


@routes.get("/console/wallboard")
async def wallboard_page(request: web.Request) -> web.Response:
    principal = await page_principal(request, *SUPERVISOR_PAGES)
    async with request.app[keys.DB].read() as s:
        agents = (
            await s.execute(select(Agent.id, Agent.display_name).where(Agent.active).order_by(Agent.display_name))
        ).all()
        queues = (await s.execute(select(Queue.name, Queue.display_name))).all()
    extra = {"agents": [{"id": i, "name": n} for i, n in agents], "queues": {q: d or q for q, d in queues}}
    return render_shell(request, principal, "wallboard", extra)


@routes.get("/api/v1/console/wallboard")
async def wallboard_state(request: web.Request) -> web.Response:
    await require(request, *SUPERVISOR_PAGES)
    event_id = request.app[EVENT_IDS].current()
    async with request.app[keys.DB].read() as s:
        body = await wallboard(s, request.app[keys.ROUTING].config.capacity, utcnow())
    return web.json_response({**body, "event_id": event_id})
