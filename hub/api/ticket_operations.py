"""REST handlers of ticket operations: create a ticket, merge, split, link and unlink tickets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from aiohttp import web

from hub import keys
from hub.api.errors import path_id, require
from hub.api.refusal import refuse, refuse_for
from hub.api.requests_ticket_operations import MergeBody, NewTicketBody, SplitBody, TicketLinkBody
from hub.api.validation import read_as
from hub.db.models import Ticket
from hub.envelopes import IdentityRef
from hub.tickets import links
from hub.tickets.creation import NewTicket, Promises, create_ticket
from hub.tickets.merging import merge_tickets
from hub.tickets.moving import TicketClosed
from hub.tickets.refusals import ReplyError, TicketNotFound
from hub.tickets.splitting import split_ticket

DESK_ROLES = ("agent", "supervisor")  # and admins: agents on the tickets they may change, supervisors on any
routes = web.RouteTableDef()


@asynccontextmanager
async def _answers() -> AsyncIterator[None]:
    """The domain's refusals as HTTP errors: 404 no ticket, 403 not theirs, 409 closed or linked, 422 else."""
    try:
        yield
    except TicketNotFound as exc:
        raise refuse_for(404, exc) from None
    except PermissionError as exc:
        raise refuse_for(403, exc) from None
    except (TicketClosed, links.LinkExists) as exc:
        raise refuse_for(409, exc) from None
    except ReplyError as exc:  # the reply rules' refusals among them
        raise refuse_for(422, exc) from None


@routes.post("/api/v1/tickets")
async def post_ticket(request: web.Request) -> web.Response:
    """A ticket an agent opens for a customer, its first message sent out or kept as a note."""
    actor = await require(request, *DESK_ROLES)
    body = await read_as(request, NewTicketBody)
    if body.send and request.app[keys.DELIVERY].backed_up:
        raise refuse(
            503,
            "replies are backed up (a provider is slow or down); please send again in a minute",
            headers={"Retry-After": "60"},
        )
    settings, routing = request.app[keys.SETTINGS], request.app[keys.ROUTING]
    promises = Promises(
        settings.default_queue,
        timedelta(minutes=settings.sla_first_response_minutes),
        timedelta(minutes=settings.sla_resolution_minutes),
        lambda tier, channel: routing.config.sla_minutes(tier, channel),  # a reloaded policy applies at once
    )
    new = NewTicket(
        channel=body.channel,
        text=body.text,
        customer_id=body.customer_id,
        identity=IdentityRef(body.identity.kind, body.identity.value) if body.identity else None,
        customer_name=body.customer_name,
        subject=body.subject,
        priority=body.priority,
        tags=tuple(body.tags),
        queue=body.queue,
        send=body.send,
    )
    async with _answers():
        ticket, message = await create_ticket(request.app[keys.DB], new, actor, promises, request.app[keys.CHANNELS])
    return web.json_response({"ticket": ticket.to_json(), "interaction": message.to_json()}, status=201)


@routes.post("/api/v1/tickets/{id}/merge")
async def post_merge(request: web.Request) -> web.Response:
    actor = await require(request, *DESK_ROLES)
    source_id = path_id(request)
    body = await read_as(request, MergeBody)
    async with _answers():
        merged = await merge_tickets(request.app[keys.DB], source_id, body.into, actor)
    return web.json_response(
        {"ticket": merged.source.to_json(), "into": merged.target.to_json(), "moved": merged.moved}
    )


@routes.post("/api/v1/tickets/{id}/split")
async def post_split(request: web.Request) -> web.Response:
    actor = await require(request, *DESK_ROLES)
    ticket_id = path_id(request)
    body = await read_as(request, SplitBody)
    async with _answers():
        split = await split_ticket(request.app[keys.DB], ticket_id, body.interaction_ids, actor, body.subject)
    return web.json_response(
        {"ticket": split.source.to_json(), "created": split.created.to_json(), "moved": split.moved}, status=201
    )


@routes.get("/api/v1/tickets/{id}/links")
async def get_links(request: web.Request) -> web.Response:
    await require(request, *DESK_ROLES)
    ticket_id = path_id(request)
    async with request.app[keys.DB].read() as s:
        if await s.get(Ticket, ticket_id) is None:
            raise refuse(404, "no such ticket")
        found = await links.links_of(s, ticket_id)
    return web.json_response({"links": [link.to_json() for link in found]})


@routes.post("/api/v1/tickets/{id}/links")
async def post_link(request: web.Request) -> web.Response:
    actor = await require(request, *DESK_ROLES)
    ticket_id = path_id(request)
    body = await read_as(request, TicketLinkBody)
    async with _answers():
        found = await links.add_link(request.app[keys.DB], ticket_id, body.ticket_id, body.kind, actor)
    return web.json_response({"links": [link.to_json() for link in found]}, status=201)


@routes.delete("/api/v1/tickets/{id}/links/{other_id}")
async def delete_link(request: web.Request) -> web.Response:
    actor = await require(request, *DESK_ROLES)
    ticket_id, other_id = path_id(request), path_id(request, "other_id")
    async with _answers():
        found = await links.remove_link(request.app[keys.DB], ticket_id, other_id, actor)
    return web.json_response({"links": [link.to_json() for link in found]})
