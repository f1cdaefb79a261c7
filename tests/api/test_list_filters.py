"""Ticket and customer lists take exactly the filters the OpenAPI document names: a mistyped or unknown one is
refused by name (ignored, `tags=vip` would list every ticket), and so is a tier no customer can have."""

from __future__ import annotations

import pytest

from hub.db.engine import Database
from tests.conftest import Hub, make_token
from tests.tickets.test_search import call, ingest

KEY = "%(field)s: unknown filter; the filters are %(choices)s"


async def test_documented_filters_are_exactly_the_ones_taken(hub: Hub, db: Database) -> None:
    token = await make_token(db, "supervisor")
    await ingest(hub, 1, "退款 refund", tags=("vip",))
    _, spec = await call(hub, token, "/api/openapi.json")
    for path in ("/api/v1/tickets", "/api/v1/customers"):
        documented = [p["name"] for p in spec["paths"][path]["get"]["parameters"]]
        for name in documented:  # each documented filter is taken (a value it accepts, or a 4xx about the value)
            status, body = await call(hub, token, f"{path}?{name}=")
            assert status == 200 or body["error"]["key"] != KEY, (path, name, body)
        status, body = await call(hub, token, f"{path}?limit=5&tags=vip")
        assert status == 400 and body["error"]["key"] == KEY
        assert body["error"]["params"] == {"field": "tags", "choices": ", ".join(documented)}


@pytest.mark.parametrize(
    ("query", "field"),
    [("tags=vip", "tags"), ("q=refund&tags=vip", "tags"), ("search=refund", "search"), ("agent=1", "agent")],
)
async def test_a_mistyped_filter_is_refused_not_ignored(hub: Hub, db: Database, query: str, field: str) -> None:
    token = await make_token(db, "agent")
    await ingest(hub, 1, "退款 refund", tags=("vip",))
    status, body = await call(hub, token, f"/api/v1/tickets?{query}")
    assert status == 400 and body["error"]["message"].startswith(f"{field}: unknown filter; the filters are q, ")


async def test_an_unknown_tier_is_refused_on_both_lists(hub: Hub, db: Database) -> None:
    token = await make_token(db, "agent")
    for path in ("/api/v1/tickets", "/api/v1/customers"):
        status, body = await call(hub, token, f"{path}?tier=platinum-plus")
        assert status == 400 and body["error"]["key"] == "tier must be one of %(choices)s", path
    status, body = await call(hub, token, "/api/v1/tickets?tier=gold")
    assert status == 200
