"""Macros over REST: list, create, edit and delete canned responses, and use one on a ticket."""

from __future__ import annotations

from dataclasses import replace

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from hub import keys
from hub.agents import audit
from hub.agents.accounts import Principal
from hub.api.errors import path_id, require
from hub.api.refusal import refuse, refuse_for
from hub.api.requests_knowledge import MacroEdit, MacroNew
from hub.api.requests_people import Nothing
from hub.api.validation import read_as, read_optional_as
from hub.clock import utcnow
from hub.customers.claims import latest_claim
from hub.tickets.changes import TicketChange, update_ticket
from hub.tickets.macros import Macro, MacroError, may_edit, render, validated, visible
from hub.tickets.model import InvalidTransition
from hub.tickets.refusals import ReplyError, TicketNotFound
from hub.tickets.views import ticket_detail

ROLES = ("agent", "supervisor")
routes = web.RouteTableDef()


@routes.get("/api/v1/macros")
async def list_macros(request: web.Request) -> web.Response:
    actor = await require(request, *ROLES)
    async with request.app[keys.DB].read() as s:
        return web.json_response({"macros": [m.to_json() for m in await visible(s, actor)]})


@routes.post("/api/v1/macros")
async def create_macro(request: web.Request) -> web.Response:
    """Agents keep personal macros; supervisors share them with everyone ("shared": true)."""
    actor = await require(request, *ROLES)
    body = await read_as(request, MacroNew, 64 * 1024)
    try:
        fields = validated(body.given())
    except MacroError as exc:
        raise refuse_for(400, exc) from None
    shared = body.shared
    if shared and not actor.has_role("supervisor"):
        raise refuse(403, "only supervisors share macros with everyone")
    if not shared and actor.agent_id is None:
        raise refuse(400, 'an API token has no personal macros: send "shared": true')
    async with request.app[keys.DB].write() as uow:
        macro = Macro(**fields, owner_id=None if shared else actor.agent_id)
        uow.session.add(macro)
        await uow.session.flush()
        audit.record(uow.session, actor, "macro.created", "macro", macro.id)
        result = macro.to_json()
    return web.json_response(result, status=201)


async def _editable(s: AsyncSession, request: web.Request, actor: Principal) -> Macro:
    macro = await s.get(Macro, path_id(request))
    if macro is None:
        raise refuse(404, "no such macro")
    if not may_edit(macro, actor):
        raise refuse(403, "only its owner or a supervisor changes a macro")
    return macro


@routes.put("/api/v1/macros/{id}")
async def edit_macro(request: web.Request) -> web.Response:
    actor = await require(request, *ROLES)
    try:
        fields = validated((await read_as(request, MacroEdit, 64 * 1024)).given())
    except MacroError as exc:
        raise refuse_for(400, exc) from None
    async with request.app[keys.DB].write() as uow:
        macro = await _editable(uow.session, request, actor)
        for name, value in fields.items():
            setattr(macro, name, value)
        macro.updated_at = utcnow()
        audit.record(uow.session, actor, "macro.edited", "macro", macro.id)
        result = macro.to_json()
    return web.json_response(result)


@routes.delete("/api/v1/macros/{id}")
async def delete_macro(request: web.Request) -> web.Response:
    actor = await require(request, *ROLES)
    async with request.app[keys.DB].write() as uow:
        macro = await _editable(uow.session, request, actor)
        await uow.session.delete(macro)
        audit.record(uow.session, actor, "macro.deleted", "macro", macro.id)
    return web.json_response({"deleted": True})


@routes.post("/api/v1/tickets/{id}/macros/{macro_id}")
async def use_macro(request: web.Request) -> web.Response:
    """The macro's text for this ticket (the agent edits it before sending) and its actions, applied now."""
    actor = await require(request, *ROLES)
    ticket_id, macro_id = path_id(request), path_id(request, "macro_id")
    await read_optional_as(request, Nothing)
    db = request.app[keys.DB]
    async with db.read() as s:
        detail = await ticket_detail(s, ticket_id)
        macros = {m.id: m for m in await visible(s, actor)}
    if detail is None:
        raise refuse(404, "no such ticket")
    macro = macros.get(macro_id)
    if macro is None:
        raise refuse(404, "no such macro (or not yours)")
    ticket = detail.ticket
    actions = macro.actions or {}
    if actions:
        tags = sorted({*ticket.tags, *actions.get("add_tags", [])})
        try:
            ticket = await update_ticket(db, ticket_id, actor, TicketChange(status=actions.get("status"), tags=tags))
        except (InvalidTransition, ReplyError) as exc:
            raise refuse_for(422, exc) from None
        except TicketNotFound:
            raise refuse(404, "no such ticket") from None
    async with db.write() as uow:
        row = await uow.session.get(Macro, macro_id)
        if row is not None:
            row.uses += 1
    # A chat visitor who only says they are this customer is addressed by the name they typed: the record's name
    # is not theirs to learn.
    claim = latest_claim(detail.interactions)
    named = ticket if claim is None or claim.get("verified") else replace(ticket, customer_name=claim.get("name") or "")
    return web.json_response({"text": render(macro.body, named, actor), "ticket": ticket.to_json()})
