"""REST for CSV imports (supervisors): customers, and orders that set lifetime value and tier."""

from __future__ import annotations

from aiohttp import web

from hub import audit, keys
from hub.api.errors import require
from hub.customers.imports import ImportRefused, import_customers, import_orders

routes = web.RouteTableDef()
MAX_BYTES = 20 * 1024 * 1024


async def _body(request: web.Request) -> bytes:
    if request.content_length is not None and request.content_length > MAX_BYTES:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BYTES, actual_size=request.content_length)
    data = await request.content.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BYTES, actual_size=len(data))
    return data


@routes.post("/api/v1/customers/import")
async def customers_csv(request: web.Request) -> web.Response:
    """A CSV body with the columns name, email and/or phone, and optionally tier and annual_margin."""
    actor = await require(request, "supervisor")
    config = request.app[keys.ROUTING].config
    try:
        report = await import_customers(request.app[keys.DB], await _body(request), config.tier_names, config.value)
    except ImportRefused as exc:
        raise web.HTTPUnprocessableEntity(reason=str(exc)) from None
    async with request.app[keys.DB].write() as uow:
        audit.record(uow.session, actor, "customers.imported", "customer", None, imported=report.imported,
                     errors=len(report.errors), duplicates=len(report.duplicates))  # fmt: skip
    return web.json_response(report.to_json())


@routes.post("/api/v1/customers/orders/import")
async def orders_csv(request: web.Request) -> web.Response:
    """A CSV body with amount, date (YYYY-MM-DD) and one of email, phone, customer_id per order."""
    actor = await require(request, "supervisor")
    rules = request.app[keys.ROUTING].config.value
    if rules is None:
        raise web.HTTPUnprocessableEntity(reason="no [value] rules in routing.toml: lifetime value cannot be computed")
    try:
        report = await import_orders(request.app[keys.DB], await _body(request), rules)
    except ImportRefused as exc:
        raise web.HTTPUnprocessableEntity(reason=str(exc)) from None
    async with request.app[keys.DB].write() as uow:
        audit.record(uow.session, actor, "orders.imported", "customer", None, customers=report.updated,
                     errors=len(report.errors))  # fmt: skip
    return web.json_response(report.to_json())
