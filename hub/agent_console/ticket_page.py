"""The ticket in the workspace: the shell page for /console/tickets/{id} and the JSON the workspace reads for it
(the conversation, the customer's whole cross-channel picture, the reply channels with their limits)."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from hub import keys
from hub.agent_console.pages import AGENT_PAGES, page_principal
from hub.agent_console.phrases import phrases
from hub.agent_console.workspace import workspace_page
from hub.api.errors import path_id, require
from hub.customers.claims import latest_claim
from hub.customers.history import timeline
from hub.customers.insight import insight
from hub.customers.tables import Survey
from hub.db.models import Agent, Customer, Queue, Ticket
from hub.tickets.channel_facts import limits_for
from hub.tickets.macros import visible as visible_macros
from hub.tickets.reply_rules import reply_channels
from hub.tickets.views import ticket_detail, visible_to

routes = web.RouteTableDef()


@routes.get("/console/tickets/{id:\\d+}")
async def ticket_page(request: web.Request) -> web.StreamResponse:
    principal = await page_principal(request, *AGENT_PAGES)
    async with request.app[keys.DB].read() as s:
        if await s.get(Ticket, path_id(request)) is None:
            raise web.HTTPNotFound(text="No such ticket.")
    return await workspace_page(request, principal)


@routes.get("/api/v1/console/tickets/{id:\\d+}")
async def ticket_state(request: web.Request) -> web.Response:
    """Everything the workspace shows for one ticket, as the caller may see it."""
    principal = await require(request, *AGENT_PAGES)
    supervisor = principal.has_role("supervisor")
    channels = request.app[keys.CHANNELS]
    top_tiers = tuple(request.app[keys.ROUTING].config.tier_names[:2])
    async with request.app[keys.DB].read() as s:
        detail = await ticket_detail(s, path_id(request))
        if detail is None:
            raise web.HTTPNotFound(text="No such ticket.")
        customer = await s.get_one(Customer, detail.ticket.customer_id)
        history = await timeline(s, customer.id, limit=50)
        seen = await insight(s, customer, top_tiers)
        answered = select(Survey).where(Survey.customer_id == customer.id, Survey.rating.isnot(None))
        surveys = list(await s.scalars(answered.order_by(Survey.answered_at.desc()).limit(5)))
        reply_on = await reply_channels(s, customer.id, detail.ticket.channel, channels)
        macros = [m.to_json() for m in await visible_macros(s, principal)]
        queues = list(await s.scalars(select(Queue.name).order_by(Queue.name))) if supervisor else []
        agents = dict((await s.execute(select(Agent.id, Agent.display_name).where(Agent.active))).all())
    attributes = customer.attributes or {}
    reasons = (detail.ticket.assignment or {}).get("reasons") or []
    said = {**phrases(reasons, "reason"), **phrases((h.summary for h in history), "summary")}
    said.update(phrases((i.text for i in detail.interactions if i.direction == "system" and i.text), "system"))
    return web.json_response(
        {
            "ticket": detail.ticket.to_json(),
            "interactions": [i.to_json() for i in detail.interactions if visible_to(i, principal.agent_id, supervisor)],
            "customer": {
                "id": customer.id,
                "name": customer.display_name,
                "tier": customer.tier,
                "lifetime_value": attributes.get("lifetime_value"),
                "insight": seen.to_json(),
                "identities": [[kind, value] for kind, value in detail.identities],
                # Extensions behind a switchboard, and numbers shared with another customer (never used to
                # recognise them).
                "extensions": attributes.get("phone_extensions") or {},
                "shared_phones": [p for p in attributes.get("shared_phones") or [] if isinstance(p, dict)],
                "claim": latest_claim(detail.interactions),
            },
            "history": [h.to_json() for h in history],
            "surveys": [{"rating": v.rating, "comment": v.comment, "ticket_id": v.ticket_id} for v in surveys],
            "channels": {name: limits_for(name, channels).to_json() for name in reply_on},
            "macros": macros,
            "queues": queues,
            "agents": {str(k): v for k, v in agents.items()},
            # The English sentences above as message keys + params, for the workspace to show translated.
            "phrases": {**said, **phrases(seen.factors, "factor")},
        }
    )
