"""REST for outbound webhooks (admins only): register, list, change, remove, and read a hook's deliveries."""

from __future__ import annotations

from aiohttp import web

from hub import keys
from hub.api.app_keys import WEBHOOK_CONFIG
from hub.api.errors import int_param, path_id, require
from hub.api.refusal import refuse, refuse_for
from hub.api.requests_webhooks import WebhookNew, WebhookPatch
from hub.api.validation import read_as
from hub.db.ids import BadId, parse_id
from hub.webhooks import registry
from hub.webhooks.registry import WebhookError

routes = web.RouteTableDef()


def _allow_private(request: web.Request) -> bool:
    return request.app[WEBHOOK_CONFIG].allow_private_targets if WEBHOOK_CONFIG in request.app else False


@routes.get("/api/v1/webhooks")
async def list_webhooks(request: web.Request) -> web.Response:
    await require(request, "admin")
    return web.json_response({"webhooks": await registry.list_hooks(request.app[keys.DB])})


@routes.post("/api/v1/webhooks")
async def create_webhook(request: web.Request) -> web.Response:
    """201 with the hook and its secret (shown this once); 422 for an unknown event or a refused URL."""
    actor = await require(request, "admin")
    body = await read_as(request, WebhookNew, 16 * 1024)
    try:
        hook, secret = await registry.create(
            request.app[keys.DB],
            actor,
            url=body.url,
            events=body.events,
            allow_private=_allow_private(request),
            secret=body.secret,
            description=body.description,
            active=body.active,
        )
    except WebhookError as exc:
        raise refuse_for(422, exc) from None
    return web.json_response({**hook, "secret": secret}, status=201)


@routes.get("/api/v1/webhooks/{id}")
async def get_webhook(request: web.Request) -> web.Response:
    await require(request, "admin")
    hook = await registry.get_hook(request.app[keys.DB], path_id(request))
    if hook is None:
        raise refuse(404, "no such webhook")
    return web.json_response(hook)


@routes.patch("/api/v1/webhooks/{id}")
async def change_webhook(request: web.Request) -> web.Response:
    actor = await require(request, "admin")
    hook_id = path_id(request)
    body = await read_as(request, WebhookPatch, 16 * 1024)
    fields = {k: v for k, v in body.given().items() if v is not None}
    try:
        hook = await registry.change(request.app[keys.DB], actor, hook_id, fields, _allow_private(request))
    except WebhookError as exc:
        raise refuse_for(422, exc) from None
    if hook is None:
        raise refuse(404, "no such webhook")
    return web.json_response(hook)


@routes.delete("/api/v1/webhooks/{id}")
async def delete_webhook(request: web.Request) -> web.Response:
    actor = await require(request, "admin")
    if not await registry.remove(request.app[keys.DB], actor, path_id(request)):
        raise refuse(404, "no such webhook")
    return web.Response(status=204)


@routes.get("/api/v1/webhooks/{id}/deliveries")
async def list_deliveries(request: web.Request) -> web.Response:
    """Newest first; `before` (the next_cursor of the previous page) pages back."""
    await require(request, "admin")
    limit = int_param(request, "limit", 50, 1, 200)
    raw_before = request.query.get("before")
    try:
        before = parse_id(raw_before, "before") if raw_before else None
    except BadId as exc:
        raise refuse_for(400, exc) from None
    page = await registry.deliveries(request.app[keys.DB], path_id(request), limit, before)
    if page is None:
        raise refuse(404, "no such webhook")
    rows, cursor = page
    return web.json_response({"deliveries": rows, "limit": limit, "next_cursor": cursor})
