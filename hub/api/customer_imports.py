"""REST for CSV imports (supervisors): customers, and orders that set lifetime value and tier."""

from __future__ import annotations

from aiohttp import web

from hub import keys
from hub.agents import audit
from hub.api.customers import tier_table
from hub.api.errors import require
from hub.api.refusal import refuse, refuse_for
from hub.bodies import read_body
from hub.channels.wechat.config import wechat_accounts
from hub.customers.imports import Context, ImportRefused, import_customers, import_orders

routes = web.RouteTableDef()
MAX_BYTES = 20 * 1024 * 1024


async def _body(request: web.Request) -> bytes:
    return await read_body(request, MAX_BYTES)


@routes.post("/api/v1/customers/import")
async def customers_csv(request: web.Request) -> web.Response:
    """A CSV body (UTF-8, UTF-16, GBK, Big5 or Windows-1252; comma, semicolon or tab) or an .xlsx workbook (the
    first visible sheet whose columns are recognised, under any title rows) with a name and at least one
    of email, phone, wechat_openid (+ wechat_account), wechat_unionid, webchat, site_user; optionally country,
    address, extension, tier and annual_margin. Column names as Outlook, Google and Chinese CRMs write them work."""
    actor = await require(request, "supervisor")
    config, settings = request.app[keys.ROUTING].config, request.app[keys.SETTINGS]
    ctx = Context(
        tiers=config.tier_names,
        default_region=settings.customers_default_region,
        wechat_accounts={a.name: a.appid for a in wechat_accounts(settings)},
    )
    try:
        report = await import_customers(
            request.app[keys.DB], await _body(request), ctx, config.value, tier_table(request.app)
        )
    except ImportRefused as exc:
        raise refuse_for(422, exc) from None
    async with request.app[keys.DB].write() as uow:
        audit.record(uow.session, actor, "customers.imported", "customer", None, imported=report.imported,
                     updated=report.updated, refused=report.refused, errors=len(report.errors),
                     duplicates=len(report.duplicates),
                     possible_duplicates=len(report.possible_duplicates))  # fmt: skip
    return web.json_response(report.to_json())


@routes.post("/api/v1/customers/orders/import")
async def orders_csv(request: web.Request) -> web.Response:
    """A CSV body with amount, date (YYYY-MM-DD) and one of email, phone, customer_id per order."""
    actor = await require(request, "supervisor")
    rules = request.app[keys.ROUTING].config.value
    if rules is None:
        raise refuse(422, "no [value] rules in routing.toml: lifetime value cannot be computed")
    try:
        report = await import_orders(
            request.app[keys.DB], await _body(request), rules, tier_table(request.app),
            request.app[keys.SETTINGS].customers_default_region,
        )  # fmt: skip
    except ImportRefused as exc:
        raise refuse_for(422, exc) from None
    async with request.app[keys.DB].write() as uow:
        audit.record(uow.session, actor, "orders.imported", "customer", None, customers=report.updated,
                     errors=len(report.errors))  # fmt: skip
    return web.json_response(report.to_json())
