"""REST for customer privacy: export one customer's data, erase it (supervisors; both audited)."""

from __future__ import annotations

import logging

from aiohttp import web

from hub import keys
from hub.api.errors import path_id, require
from hub.api.refusal import refuse_for
from hub.api.requests_people import EraseBody
from hub.api.validation import read_optional_as
from hub.customers.erasure import Eraser, Files, NeedsConfirmation, Store
from hub.customers.privacy import export

log = logging.getLogger(__name__)
routes = web.RouteTableDef()


@routes.get("/api/v1/customers/{id}/export")
async def export_customer(request: web.Request) -> web.Response:
    actor = await require(request, "supervisor")
    try:
        data = await export(request.app[keys.DB], path_id(request), actor)
    except LookupError as exc:
        raise refuse_for(404, exc) from None
    return web.json_response(
        data, headers={"Content-Disposition": f'attachment; filename="customer-{path_id(request)}.json"'}
    )


def eraser(app: web.Application) -> Eraser:
    """Erasure with every store of this hub: the knowledge usage log (flushed first, then erased with the rest),
    attachment files and raw mail copies (after the commit). A new store of customer data is added here."""
    stores: list[Store] = [Files(app[keys.ATTACHMENTS], lambda scope: scope.files)]
    email = app.get(keys.EMAIL)
    if email is not None:
        stores.append(Files(email.intake.raw, lambda scope: scope.raw_mail))
    return Eraser(app[keys.DB], stores, buffers=[app[keys.KNOWLEDGE].flush])


@routes.post("/api/v1/customers/{id}/erase")
async def erase_customer(request: web.Request) -> web.Response:
    """{"close_open_tickets": true} is required when the customer has open tickets (409 otherwise)."""
    actor = await require(request, "supervisor")
    confirm = (await read_optional_as(request, EraseBody)).close_open_tickets
    try:
        done = await eraser(request.app).erase(path_id(request), actor, close_open_tickets=confirm)
    except LookupError as exc:
        raise refuse_for(404, exc) from None
    except NeedsConfirmation as exc:
        raise refuse_for(409, exc) from None
    if done.files_left:
        # Committed: a file that could not be removed is logged (by count), never left silently.
        log.warning("erasure of customer %s: %s stored file(s) were already gone or could not be removed",
                    done.customer_id, done.files_left)  # fmt: skip
    return web.json_response(
        {"customer_id": done.customer_id, "erased": done.counts, "files_removed": done.files_removed}
    )
