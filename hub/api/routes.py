"""REST handlers: tickets, replies, customers, agents."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import select

from hub import keys
from hub.agents.accounts import Principal
from hub.api.errors import int_param, known_filters, path_id, query_id, require
from hub.api.refusal import refuse, refuse_for
from hub.api.requests_tickets import BulkBody, ReplyBody, TicketChangeBody
from hub.api.uploads import checked
from hub.api.validation import read_as
from hub.customers.claims import latest_claim
from hub.customers.tables import Survey
from hub.tickets.changes import UNCHANGED, Stale, TicketChange, update_ticket
from hub.tickets.listing import ORDERS, BadCursor
from hub.tickets.model import InvalidTransition, Status
from hub.tickets.refusals import Refusal, ReplyError, ReplyRefused, TicketNotFound
from hub.tickets.replies import post_reply
from hub.tickets.search import search_tickets
from hub.tickets.views import TicketFilter, ticket_detail, ticket_page, visible_to

TICKET_ROLES = ("agent", "supervisor")
routes = web.RouteTableDef()

# What a ticket list or search takes (docs/search.md); anything else is refused, not ignored.
LIST_FILTERS = ("q", "status", "queue", "channel", "assignee", "customer_id", "tier", "tag", "sla", "order", "limit",
                "offset", "cursor")  # fmt: skip


@routes.get("/api/v1/tickets")
async def get_tickets(request: web.Request) -> web.Response:
    principal = await require(request, *TICKET_ROLES)
    known_filters(request, LIST_FILTERS)
    q = request.query
    tiers = request.app[keys.ROUTING].config.tier_names
    if q.get("tier") and q["tier"] not in tiers:
        raise refuse(400, "tier must be one of %(choices)s", choices=", ".join(tiers))
    statuses = tuple(s for s in q.get("status", "").split(",") if s)
    unknown = [s for s in statuses if s not in set(Status)]
    if unknown:
        raise refuse(400, "unknown status '%(status)s'; use %(choices)s", status=unknown[0], choices=", ".join(Status))
    assignee = q.get("assignee")
    assignee_id: int | None = None
    if assignee == "me":
        if principal.agent_id is None:
            raise refuse(400, "assignee=me needs a logged-in agent, not an API token")
        assignee_id = principal.agent_id
    elif assignee not in (None, "none"):
        assignee_id = query_id(request, "assignee")
    order = q.get("order") or "inbox"
    if order not in ORDERS:
        raise refuse(400, "unknown order '%(order)s'; use %(choices)s", order=order, choices=" or ".join(ORDERS))
    if q.get("sla") not in (None, "", "breached"):
        raise refuse(400, "unknown sla filter '%(sla)s'; use sla=breached", sla=q["sla"])
    f = TicketFilter(
        statuses=statuses,
        queue=q.get("queue"),
        channel=q.get("channel"),
        assignee_id=assignee_id,
        unassigned=assignee == "none",
        customer_id=query_id(request, "customer_id"),
        tier=q.get("tier") or None,
        tag=q.get("tag") or None,
        sla_breached=q.get("sla") == "breached",
        limit=int_param(request, "limit", 50, 1, 200),
        offset=int_param(request, "offset", 0, 0, 1_000_000),
        cursor=q.get("cursor") or None,
        order=order,
    )
    words = q.get("q", "").strip()
    if words and order != "inbox":
        raise refuse(400, "a search is ranked by relevance: order applies to lists without q")
    try:
        async with request.app[keys.DB].read() as s:
            if words:  # ranked hits with a snippet each (hub/tickets/search.py)
                found = await search_tickets(s, f, words[:200], principal.agent_id, principal.has_role("supervisor"))
                listed, cursor = [h.to_json() for h in found.hits], found.next_cursor
            else:
                page = await ticket_page(s, f)
                listed, cursor = [t.to_json() for t in page.tickets], page.next_cursor
    except BadCursor as exc:
        raise refuse_for(400, exc) from None
    return web.json_response({"tickets": listed, "limit": f.limit, "offset": f.offset, "next_cursor": cursor})


@routes.get("/api/v1/tickets/{id}")
async def get_ticket(request: web.Request) -> web.Response:
    principal = await require(request, *TICKET_ROLES)
    supervisor = principal.has_role("supervisor")
    async with request.app[keys.DB].read() as s:
        detail = await ticket_detail(s, path_id(request))
        detail_surveys = list(await s.scalars(select(Survey).where(Survey.ticket_id == path_id(request))))
    if detail is None:
        raise refuse(404, "no such ticket")
    return web.json_response(
        {
            "ticket": detail.ticket.to_json(),
            "interactions": [i.to_json() for i in detail.interactions if visible_to(i, principal.agent_id, supervisor)],
            "identities": [{"kind": k, "value": v} for k, v in detail.identities],
            # What a chat visitor says they are ({name, email, verified, identifier?}); never a verified identity
            # unless the website vouched for it.
            "claim": latest_claim(detail.interactions),
            "surveys": [
                {"rating": v.rating, "comment": v.comment, "via": v.answered_via, "sent_at": v.sent_at.isoformat()}
                for v in detail_surveys
            ],
        }
    )


@routes.post("/api/v1/tickets/{id}/replies")
async def post_ticket_reply(request: web.Request) -> web.Response:
    """{"text", "internal": false, "channel": another of the customer's channels, "mentions": [agent ids],
    "coach": true (a supervisor's note only the assigned agent sees)}"""
    principal = await require(request, *TICKET_ROLES)
    ticket_id = path_id(request)
    body = await read_as(request, ReplyBody)
    text, internal, channel, mention_ids, coach = body.text, body.internal, body.channel, body.mentions, body.coach
    if coach and not internal:
        raise refuse(400, "coach is true or false, and only for internal notes")
    if not internal and request.app[keys.DELIVERY].backed_up:
        raise refuse(
            503,
            "replies are backed up (a provider is slow or down); please send again in a minute",
            headers={"Retry-After": "60"},
        )
    limit = request.app[keys.SETTINGS].attachment_max_bytes
    named = None if body.attachments is None else [a.model_dump(exclude_unset=True) for a in body.attachments]
    files = await checked(request.app[keys.ATTACHMENTS], named, limit)
    try:
        ticket, interaction = await post_reply(
            request.app[keys.DB],
            ticket_id,
            principal,
            text,
            note=internal,
            channel=None if internal else channel,
            mentions=tuple(mention_ids) if internal else (),
            coach=coach,
            attachments=files,
            channels=request.app[keys.CHANNELS],
            markdown=body.format == "markdown",
            articles=tuple(body.articles),
        )
    except TicketNotFound:
        raise refuse(404, "no such ticket") from None
    except ReplyRefused as exc:  # the reply rules (hub/tickets/reply_rules.py): 403 for a role, else 422
        raise refuse_for(403 if exc.refusal == Refusal.NOT_A_COACH else 422, exc) from None
    return web.json_response({"ticket": ticket.to_json(), "interaction": interaction.to_json()}, status=201)


def parse_change(body: TicketChangeBody) -> TicketChange:
    """A ticket change from its checked body; a field left out stays as it is (assignee_id null unassigns)."""
    requirements = body.requirements.model_dump() if body.requirements is not None else None
    return TicketChange(
        status=body.status,
        tags=body.tags,
        assignee_id=body.assignee_id if "assignee_id" in body.model_fields_set else UNCHANGED,
        queue=body.queue,
        priority=body.priority,
        requirements=requirements,
        if_updated_at=body.updated_at(),
        remind_at=body.remind_time() if "remind_at" in body.model_fields_set else UNCHANGED,
    )


async def apply_change(
    request: web.Request, ticket_id: int, principal: Principal, change: TicketChange
) -> dict[str, Any]:
    try:
        ticket = await update_ticket(request.app[keys.DB], ticket_id, principal, change)
    except TicketNotFound:
        raise refuse(404, "no such ticket") from None
    except (InvalidTransition, Stale) as exc:
        raise refuse_for(409, exc) from None
    except PermissionError as exc:
        raise refuse_for(403, exc) from None
    except ReplyError as exc:
        raise refuse_for(422, exc) from None
    return ticket.to_json()


@routes.patch("/api/v1/tickets/{id}")
async def patch_ticket(request: web.Request) -> web.Response:
    principal = await require(request, *TICKET_ROLES)
    ticket_id = path_id(request)
    change = parse_change(await read_as(request, TicketChangeBody))
    return web.json_response({"ticket": await apply_change(request, ticket_id, principal, change)})


@routes.post("/api/v1/tickets/bulk")
async def bulk_change(request: web.Request) -> web.Response:
    """A supervisor moves many tickets at once: {"ids": [...], "change": {...}}; each ticket on its own,
    so one conflict does not undo the rest, and the answer says what happened to each."""
    principal = await require(request, "supervisor")
    body = await read_as(request, BulkBody)
    ticket_ids, change = body.ids, parse_change(body.change)
    results = []
    for ticket_id in dict.fromkeys(ticket_ids):
        try:
            results.append(
                {"id": ticket_id, "ok": True, "ticket": await apply_change(request, ticket_id, principal, change)}
            )
        except web.HTTPException as exc:
            results.append({"id": ticket_id, "ok": False, "error": {"status": exc.status, "message": exc.reason}})
    return web.json_response({"results": results})
