"""REST for customer privacy: export one customer's data, erase it (supervisors; both audited)."""

from __future__ import annotations

import contextlib
import logging

from aiohttp import web

from hub import keys
from hub.api.errors import path_id, read_json, require
from hub.customers.privacy import NeedsConfirmation, erase, export

log = logging.getLogger(__name__)
routes = web.RouteTableDef()


@routes.get("/api/v1/customers/{id}/export")
async def export_customer(request: web.Request) -> web.Response:
    actor = await require(request, "supervisor")
    try:
        data = await export(request.app[keys.DB], path_id(request), actor)
    except LookupError as exc:
        raise web.HTTPNotFound(reason=str(exc)) from None
    return web.json_response(
        data, headers={"Content-Disposition": f'attachment; filename="customer-{path_id(request)}.json"'}
    )


@routes.post("/api/v1/customers/{id}/erase")
async def erase_customer(request: web.Request) -> web.Response:
    """{"close_open_tickets": true} is required when the customer has open tickets (409 otherwise)."""
    actor = await require(request, "supervisor")
    body = await read_json(request) if request.can_read_body else {}
    confirm = body.get("close_open_tickets", False)
    if not isinstance(confirm, bool):
        raise web.HTTPBadRequest(reason='"close_open_tickets" must be true or false')
    try:
        done = await erase(request.app[keys.DB], path_id(request), actor, close_open_tickets=confirm)
    except LookupError as exc:
        raise web.HTTPNotFound(reason=str(exc)) from None
    except NeedsConfirmation as exc:
        raise web.HTTPConflict(reason=f'{exc}; send {{"close_open_tickets": true}} to go ahead') from None
    # Committed: now the files. A file that cannot be removed is logged (by key), never left silently.
    files, raw = request.app[keys.ATTACHMENTS], request.app.get(keys.EMAIL)
    removed = 0
    for key in done.attachment_keys:
        with contextlib.suppress(OSError):
            removed += await files.delete(key)
    for key in done.raw_mail_keys:
        if raw is not None:
            with contextlib.suppress(OSError):
                removed += await raw.intake.raw.delete(key)
    left = len(done.attachment_keys) + len(done.raw_mail_keys) - removed
    if left:
        log.warning("erasure of customer %s: %s stored file(s) were already gone or could not be removed",
                    done.customer_id, left)  # fmt: skip
    return web.json_response({"customer_id": done.customer_id, "erased": done.counts, "files_removed": removed})
