"""REST handlers for customers: the unified view, linking two records, attachment downloads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import web
from sqlalchemy import select

from hub import keys
from hub.agents import audit
from hub.api.errors import int_param, known_filters, path_id, require
from hub.api.refusal import refuse, refuse_for
from hub.api.requests_people import CustomerPatch, LinkBody
from hub.api.validation import read_as
from hub.clock import utcnow
from hub.customers.history import timeline
from hub.customers.identities import InvalidIdentity
from hub.customers.insight import at_risk, insight
from hub.customers.linking import AlreadyMerged, LinkError, link_into
from hub.customers.retier import TierTable, retier
from hub.customers.roster import roster_facts, with_facts
from hub.customers.search import newest_customers, search_customers
from hub.customers.tables import Survey
from hub.db.models import Customer, Identity
from hub.envelopes import IdentityRef

TICKET_ROLES = ("agent", "supervisor")
routes = web.RouteTableDef()


def tier_table(app: web.Application) -> TierTable:
    """The tiers as routing has them now (routing.toml may be reloaded), with the hub's default SLA targets."""
    config, settings = app[keys.ROUTING].config, app[keys.SETTINGS]
    return TierTable(config.tier_names, config.sla_minutes, timedelta(minutes=settings.sla_first_response_minutes),
                     timedelta(minutes=settings.sla_resolution_minutes))  # fmt: skip


def _top_tiers(request: web.Request) -> tuple[str, ...]:
    """The two most valuable tiers: "high value" in the value x loyalty matrix."""
    return tuple(request.app[keys.ROUTING].config.tier_names[:2])


@routes.get("/api/v1/customers/at-risk")
async def customers_at_risk(request: web.Request) -> web.Response:
    """?min=30: recently active customers by churn risk, riskiest first, each with its reasons."""
    await require(request, "supervisor")
    least = int_param(request, "min", 30, 0, 100)
    async with request.app[keys.DB].read() as s:
        return web.json_response({"customers": await at_risk(s, _top_tiers(request), least)})


@routes.get("/api/v1/customers")
async def list_customers(request: web.Request) -> web.Response:
    """?q=: names (Chinese, pinyin, Latin), e-mails, phones in any format, WeChat ids; best matches first, each
    with a highlighted snippet. Without q: the newest customers first. ?tier= keeps one tier. Paged by
    next_cursor. Each entry says when the customer last got in touch and how many of their tickets are open."""
    await require(request, *TICKET_ROLES)
    known_filters(request, ("q", "tier", "limit", "cursor"))
    words = request.query.get("q", "").strip()[:200]
    tier = request.query.get("tier") or None
    tiers = request.app[keys.ROUTING].config.tier_names
    if tier is not None and tier not in tiers:
        raise refuse(400, "tier must be one of %(choices)s", choices=", ".join(tiers))
    limit = int_param(request, "limit", 50, 1, 200)
    cursor = request.query.get("cursor") or ""
    if cursor and not cursor.isdigit():
        raise refuse(400, "cursor is not one this list handed out")
    async with request.app[keys.DB].read() as s:
        if words:
            hits, after = await search_customers(s, words, limit, int(cursor or 0), tier)
            listed = [h.to_json() for h in hits]
        else:
            listed, after = await newest_customers(s, limit, int(cursor) if cursor else None, tier)
        listed = with_facts(listed, await roster_facts(s, [c["id"] for c in listed]))
    return web.json_response(
        {"customers": listed, "limit": limit, "next_cursor": None if after is None else str(after)}
    )


@routes.get("/api/v1/customers/{id}")
async def get_customer(request: web.Request) -> web.Response:
    principal = await require(request, *TICKET_ROLES)
    async with request.app[keys.DB].read() as s:
        customer = await s.get(Customer, path_id(request))
        if customer is None:
            raise refuse(404, "no such customer")
        identities = await s.scalars(select(Identity).where(Identity.customer_id == customer.id))
        limit = int_param(request, "limit", 200, 1, 1000)
        before = int_param(request, "before", 0, 0, 2**62) or None
        items = await timeline(s, customer.id, limit=limit, before=before)
        answered = select(Survey).where(Survey.customer_id == customer.id, Survey.rating.isnot(None))
        surveys = await s.scalars(answered.order_by(Survey.answered_at.desc(), Survey.id.desc()).limit(20))
        body: dict[str, Any] = {
            "customer": {
                "id": customer.id,
                "display_name": customer.display_name,
                "tier": customer.tier,
                "attributes": customer.attributes,
                "created_at": customer.created_at.isoformat(),
                "merged_into_id": customer.merged_into_id,
                "identities": [{"kind": i.kind, "value": i.value, "verified": i.verified} for i in identities],
            },
            "history": [item.to_json() for item in items],
            # The next page: ?before=<this> (null at the customer's first contact).
            "history_before": items[-1].id if len(items) == limit else None,
            "insight": (await insight(s, customer, _top_tiers(request))).to_json(),
            # The customer's last 20 answered surveys, newest first.
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
        }
    async with request.app[keys.DB].write() as uow:  # who looked at whom: privacy audits ask
        audit.record(uow.session, principal, "customer.viewed", "customer", customer.id)
    return web.json_response(body)


@routes.post("/api/v1/customers/{id}/link")
async def link_customer(request: web.Request) -> web.Response:
    """This customer is the same person as the one known by {kind, value}: move everything there."""
    principal = await require(request, *TICKET_ROLES)
    source_id = path_id(request)
    body = await read_as(request, LinkBody)
    kind, value = body.kind, body.value
    try:
        target_id = await link_into(
            request.app[keys.DB], source_id, IdentityRef(kind, value), principal, tier_table(request.app)
        )
    except LookupError:
        raise refuse(404, "no such customer") from None
    except AlreadyMerged as exc:
        raise refuse_for(409, exc) from None
    except (LinkError, InvalidIdentity) as exc:
        raise refuse_for(422, exc) from None
    return web.json_response({"customer_id": target_id})


@routes.get("/api/v1/attachments/{key:[0-9a-f]{2}/[^/]+}")
async def get_attachment(request: web.Request) -> web.Response:
    await require(request, *TICKET_ROLES)
    key = request.match_info["key"]
    try:
        data = await request.app[keys.ATTACHMENTS].get(key)
    except KeyError:
        raise refuse(404, "no such attachment") from None
    # Served as a download: a stored file never renders as a page of ours.
    return web.Response(
        body=data,
        content_type="application/octet-stream",
        headers={"Content-Disposition": "attachment", "X-Content-Type-Options": "nosniff"},
    )


@routes.patch("/api/v1/customers/{id}")
async def patch_customer(request: web.Request) -> web.Response:
    """A supervisor sets the tier (an override of value rules; "auto" lifts it) or the yearly margin, from
    which the configured value rules compute lifetime value and the tier it earns; and corrects the name or
    the notes agents read on the profile. Audited."""
    actor = await require(request, "supervisor")
    customer_id = path_id(request)
    body = await read_as(request, CustomerPatch)
    config = request.app[keys.ROUTING].config
    tier, margin = body.tier, body.annual_margin
    choices = ", ".join((*config.tier_names, "auto"))
    if tier is not None and tier not in (*config.tier_names, "auto"):
        raise refuse(400, "tier must be one of %(choices)s", choices=choices)
    if margin is not None and config.value is None:
        raise refuse(422, "no [value] rules in routing.toml: set the tier directly")
    async with request.app[keys.DB].write() as uow:
        customer = await uow.session.get(Customer, customer_id)
        if customer is None:
            raise refuse(404, "no such customer")
        before, attrs = customer.tier, dict(customer.attributes or {})
        named = body.display_name is not None and body.display_name.strip() != customer.display_name
        if body.display_name is not None:
            customer.display_name = body.display_name.strip()
        if body.notes is not None:
            attrs["notes"] = body.notes.strip()
        if margin is not None and config.value is not None:
            attrs["annual_margin"] = margin
            attrs["lifetime_value"] = round(config.value.lifetime_value(float(margin)), 2)
        if tier == "auto":
            attrs.pop("tier_override", None)
        elif tier is not None:
            attrs["tier_override"] = tier
        if "tier_override" in attrs:
            customer.tier = attrs["tier_override"]
        elif config.value is not None and "lifetime_value" in attrs:
            customer.tier = config.value.tier_for(attrs["lifetime_value"])
        customer.attributes = attrs
        retiered = await retier(uow, customer, before, tier_table(request.app), why=f"set by {actor.name}",
                                now=utcnow())  # fmt: skip
        audit.record(
            uow.session, actor, "customer.value_changed", "customer", customer_id,
            before=before, after=customer.tier, annual_margin=margin, override=attrs.get("tier_override"),
            tickets=retiered, renamed=named, notes_changed=body.notes is not None,
        )  # fmt: skip
    return web.json_response(
        {
            "id": customer_id,
            "display_name": customer.display_name,
            "notes": attrs.get("notes", ""),
            "tier": customer.tier,
            "previous_tier": before,
            "lifetime_value": attrs.get("lifetime_value"),
            "tier_override": attrs.get("tier_override"),
            "tickets_retiered": retiered,
        }
    )
