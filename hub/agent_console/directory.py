"""The yellow pages directory page: who knows what, to consult or to transfer a ticket to (drawn by
web/knowledge from GET /api/v1/agents)."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from hub import keys
from hub.agent_console.knowledge_pages import shell
from hub.agent_console.pages import AGENT_PAGES, page_principal
from hub.api.errors import query_id
from hub.db.models import AgentSkill, Queue, Ticket

routes = web.RouteTableDef()


@routes.get("/console/directory")
async def directory_page(request: web.Request) -> web.Response:
    principal = await page_principal(request, *AGENT_PAGES)
    ticket_id = query_id(request, "ticket")
    async with request.app[keys.DB].read() as s:
        ticket = await s.get(Ticket, ticket_id) if ticket_id is not None else None
        skills = sorted(set(await s.scalars(select(AgentSkill.skill))))
        queues = list(await s.scalars(select(Queue.name).order_by(Queue.name)))
    channels = sorted(request.app[keys.ROUTING].config.capacity)  # the channels routing hands work on
    context = {"id": ticket.id, "subject": ticket.subject, "assignee_id": ticket.assignee_id} if ticket else None
    return shell(request, "console/directory.html", principal, {
        "page": "directory", "ticket": context, "skills": skills, "queues": queues, "channels": channels,
        "supervisor": principal.has_role("supervisor"),
    })  # fmt: skip
