"""REST: send a reply again now (one being retried after a provider's failure, or one that finally failed)."""

from __future__ import annotations

from aiohttp import web

from hub import keys
from hub.api.errors import path_id, require
from hub.api.refusal import refuse, refuse_for
from hub.api.requests_people import Nothing
from hub.api.validation import read_optional_as
from hub.tickets.redelivery import MessageNotFound, NotRetryable, send_again

routes = web.RouteTableDef()
# Whoever may reply may send a reply again.
REPLY_ROLES = ("agent", "supervisor")
_MAX_ID = 2**63 - 1  # PostgreSQL's bigint; a bigger id names no message and must not reach the driver


@routes.post("/api/v1/messages/{id}/retry")
async def retry_message(request: web.Request) -> web.Response:
    """202 {"interaction"}: queued again and tried at once; 404 not a reply of ours, 409 already sent or
    being sent right now."""
    principal = await require(request, *REPLY_ROLES)
    message_id = path_id(request)
    await read_optional_as(request, Nothing)
    if not 0 < message_id <= _MAX_ID:
        raise refuse(404, "no such message")
    try:
        snapshot = await send_again(request.app[keys.DB], message_id, principal)
    except MessageNotFound as exc:
        raise refuse_for(404, exc) from None
    except NotRetryable as exc:
        raise refuse_for(409, exc) from None
    request.app[keys.DELIVERY].wake()
    return web.json_response({"interaction": snapshot.to_json()}, status=202)
