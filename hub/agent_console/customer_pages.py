"""Customers in the workspace: the shell page for /console/customers and /console/customers/{id}, and the JSON
the profile reads (the customer, their identities, insight, timeline and surveys, with the server's English
sentences as message keys for the agent's language)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import select

from hub import keys
from hub.agent_console.pages import AGENT_PAGES, page_principal
from hub.agent_console.phrases import phrases
from hub.agent_console.workspace import workspace_page
from hub.agents import audit
from hub.api.errors import int_param, path_id, require
from hub.api.refusal import refuse
from hub.customers.history import timeline
from hub.customers.insight import insight
from hub.customers.tables import Survey
from hub.db.models import Agent, Customer, Identity, Ticket

routes = web.RouteTableDef()
HISTORY_PAGE = 50


@routes.get("/console/customers")
async def customers_page(request: web.Request) -> web.StreamResponse:
    return await workspace_page(request, await page_principal(request, *AGENT_PAGES))


@routes.get("/console/customers/{id:\\d+}")
async def customer_page(request: web.Request) -> web.StreamResponse:
    principal = await page_principal(request, *AGENT_PAGES)
    async with request.app[keys.DB].read() as s:
        if await s.get(Customer, path_id(request)) is None:
            raise web.HTTPNotFound(text="No such customer.")
    return await workspace_page(request, principal)


def _language(customer: Customer, requirements: dict[str, Any] | None) -> str | None:
    """The language they speak with us: set on the record, or the one their latest ticket was routed for."""
    attributes = customer.attributes or {}
    chosen = attributes.get("language") or attributes.get("locale") or (requirements or {}).get("language")
    return str(chosen) if chosen else None


@routes.get("/api/v1/console/customers/{id:\\d+}")
async def customer_state(request: web.Request) -> web.Response:
    """Everything the profile shows; ?before=<history id> pages back through the timeline."""
    principal = await require(request, *AGENT_PAGES)
    before = int_param(request, "before", 0, 0, 2**62) or None
    top_tiers = tuple(request.app[keys.ROUTING].config.tier_names[:2])
    async with request.app[keys.DB].read() as s:
        customer = await s.get(Customer, path_id(request))
        if customer is None:
            raise refuse(404, "no such customer")
        held = await s.execute(
            select(Identity.kind, Identity.value, Identity.verified)
            .where(Identity.customer_id == customer.id)
            .order_by(Identity.id)
        )
        history = await timeline(s, customer.id, limit=HISTORY_PAGE, before=before)
        seen = await insight(s, customer, top_tiers)
        answered = select(Survey).where(Survey.customer_id == customer.id, Survey.rating.isnot(None))
        surveys = list(await s.scalars(answered.order_by(Survey.answered_at.desc(), Survey.id.desc()).limit(20)))
        latest = select(Ticket.requirements).where(Ticket.customer_id == customer.id).order_by(Ticket.id.desc())
        requirements = await s.scalar(latest.limit(1))
        agents = dict((await s.execute(select(Agent.id, Agent.display_name).where(Agent.active))).all())
    attributes = customer.attributes or {}
    async with request.app[keys.DB].write() as uow:  # who looked at whom: privacy audits ask
        audit.record(uow.session, principal, "customer.viewed", "customer", customer.id)
    return web.json_response(
        {
            "customer": {
                "id": customer.id,
                "name": customer.display_name,
                "tier": customer.tier,
                "tier_override": attributes.get("tier_override"),
                "lifetime_value": attributes.get("lifetime_value"),
                "language": _language(customer, requirements),
                "notes": attributes.get("notes") or "",
                "created_at": customer.created_at.isoformat(),
                "merged_into_id": customer.merged_into_id,
                "identities": [{"kind": k, "value": v, "verified": bool(ok)} for k, v, ok in held],
                "extensions": attributes.get("phone_extensions") or {},
                "insight": seen.to_json(),
            },
            "history": [h.to_json() for h in history],
            "history_before": history[-1].id if len(history) == HISTORY_PAGE else None,
            "surveys": [
                {
                    "rating": v.rating,
                    "comment": v.comment,
                    "ticket_id": v.ticket_id,
                    "channel": v.channel,
                    "answered_at": v.answered_at.isoformat() if v.answered_at else None,
                }
                for v in surveys
            ],
            "can_edit": principal.has_role("supervisor"),  # PATCH /api/v1/customers/{id} is a supervisor's
            "tiers": list(request.app[keys.ROUTING].config.tier_names),
            "agents": {str(k): v for k, v in agents.items()},
            "phrases": {**phrases((h.summary for h in history), "summary"), **phrases(seen.factors, "factor")},
        }
    )
