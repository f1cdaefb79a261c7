"""REST for one customer per person: merge, unmerge, and duplicate suggestions with their evidence."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web

from hub import keys
from hub.api.customers import tier_table
from hub.api.errors import int_param, path_id, require
from hub.api.refusal import refuse_for
from hub.api.requests_people import MergeBody, Nothing
from hub.api.validation import read_as, read_optional_as
from hub.customers.duplicates import suggest
from hub.customers.evidence import THRESHOLD
from hub.customers.linking import AlreadyMerged, LinkError, merge, unmerge
from hub.customers.tables import CustomerMerge

MERGE_ROLES = ("agent", "supervisor")
routes = web.RouteTableDef()


@contextmanager
def merge_errors() -> Iterator[None]:
    """Unknown customer or merge: 404; already merged (or undone): 409; impossible (into itself): 422."""
    try:
        yield
    except LookupError as exc:
        raise refuse_for(404, exc) from None
    except AlreadyMerged as exc:
        raise refuse_for(409, exc) from None
    except LinkError as exc:
        raise refuse_for(422, exc) from None


def merge_json(record: CustomerMerge) -> dict[str, Any]:
    return {
        "id": record.id,
        "source_id": record.source_id,
        "target_id": record.target_id,
        "moved": {name: len(ids) for name, ids in record.moved.items()},
        "by": record.actor,
        "at": record.created_at.isoformat(),
        "undone_at": record.undone_at.isoformat() if record.undone_at else None,
    }


@routes.post("/api/v1/customers/{id}/merge")
async def merge_customer(request: web.Request) -> web.Response:
    """{"into": <customer id>}: this customer's contacts and identities move to that one (audited)."""
    actor = await require(request, *MERGE_ROLES)
    target = (await read_as(request, MergeBody)).into
    with merge_errors():
        record = await merge(request.app[keys.DB], path_id(request), target, actor, tier_table(request.app))
    return web.json_response({"merge": merge_json(record)})


@routes.post("/api/v1/customers/merges/{id}/undo")
async def undo_merge(request: web.Request) -> web.Response:
    actor = await require(request, *MERGE_ROLES)
    await read_optional_as(request, Nothing)
    with merge_errors():
        record = await unmerge(request.app[keys.DB], path_id(request), actor, tier_table(request.app))
    return web.json_response({"merge": merge_json(record)})


@routes.get("/api/v1/customers/{id}/duplicates")
async def duplicates(request: web.Request) -> web.Response:
    """Customers who are probably this one, best first, each with a score (the probability, in percent, that
    the two are one person) and the signals behind it; ?min_score= below the threshold shows look-alikes too.
    Nothing is merged here: an agent decides (POST .../merge)."""
    await require(request, *MERGE_ROLES)
    limit = int_param(request, "limit", 10, 1, 50)
    least = int_param(request, "min_score", THRESHOLD, 0, 100)
    try:
        found = await suggest(request.app[keys.DB], path_id(request), limit=limit, min_score=least)
    except LookupError as exc:
        raise refuse_for(404, exc) from None
    return web.json_response({"threshold": THRESHOLD, "duplicates": [f.to_json() for f in found]})
