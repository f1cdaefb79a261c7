"""The inbox: the console's working set over REST (first load and every resync) and the workspace at /console."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from hub import keys
from hub.agent_console.feed import EVENT_IDS
from hub.agent_console.pages import AGENT_PAGES, page_principal
from hub.agent_console.realtime import queues_for
from hub.agent_console.workspace import workspace_page
from hub.api.errors import require
from hub.db.models import Agent
from hub.tickets.views import scoped_active

routes = web.RouteTableDef()
MAX_TICKETS = 5000  # a console holds the active work of its queues; beyond this it says the list is cut


@routes.get("/console")
async def inbox_page(request: web.Request) -> web.StreamResponse:
    return await workspace_page(request, await page_principal(request, *AGENT_PAGES))


@routes.get("/api/v1/console/inbox")
async def inbox_state(request: web.Request) -> web.Response:
    """Every active ticket the caller's console follows, stamped with the event id current before the read:
    pushed events with a larger id are newer than this state."""
    principal = await require(request, *AGENT_PAGES)
    event_id = request.app[EVENT_IDS].current()
    db = request.app[keys.DB]
    queues = await queues_for(db, principal.agent_id, principal.has_role("supervisor"))
    async with db.read() as s:
        tickets = await scoped_active(s, queues, principal.agent_id, MAX_TICKETS + 1)
        names = dict((await s.execute(select(Agent.id, Agent.display_name).where(Agent.active))).all())
    return web.json_response(
        {
            "event_id": event_id,
            "me": principal.agent_id,
            "supervisor": principal.has_role("supervisor"),
            "queues": queues,
            "agents": {str(k): v for k, v in names.items()},
            "tickets": [t.to_json() for t in tickets[:MAX_TICKETS]],
            "truncated": len(tickets) > MAX_TICKETS,
        }
    )
