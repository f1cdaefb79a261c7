"""GET /api/v1/knowledge/overview, the knowledge list's read: status counts (a published article with a draft
counts under both), the knowledge search then text matches, category, sorts, paging, owners and usefulness."""

from __future__ import annotations

import asyncio
from typing import Any

from hub.db.engine import Database
from tests.conftest import Hub, make_agent, make_token
from tests.mail_kit import call_api

Article = dict[str, Any]


async def write(hub: Hub, token: str, title: str, *actions: str, **fields: Any) -> int:
    body = {"title": title, "short_answer": f"{title}.", "body": f"All about {title}.", "locale": "en", **fields}
    status, made = await call_api(hub, token, "POST", "/api/v1/knowledge/articles", json=body)
    assert status == 201, made
    for action in actions:
        status, answer = await call_api(hub, token, "POST", f"/api/v1/knowledge/articles/{made['id']}/{action}")
        assert status == 200, answer
    return int(made["id"])


async def overview(hub: Hub, token: str, query: str = "") -> dict[str, Any]:
    status, body = await call_api(hub, token, "GET", f"/api/v1/knowledge/overview?{query}")
    assert status == 200, body
    return body  # type: ignore[no-any-return]


async def test_the_list_counts_filters_searches_sorts_and_pages(hub: Hub, db: Database) -> None:
    owner = await make_agent(db, "li.na@example.test", "knowledge_manager")
    km = await make_token(db, "knowledge_manager")
    refunds = await write(hub, km, "Refund timing", "submit", "approve", category="Billing",
                          variants=["when do I get my money back"], owner_id=owner.id)  # fmt: skip
    address = await write(hub, km, "Change the delivery address", "submit", "approve", category="Orders",
                          review_by="2020-01-31")  # fmt: skip
    draft = await write(hub, km, "Gift wrapping", category="Orders", tags=["gifts"])
    retired = await write(hub, km, "Old coupon rules", "submit", "approve", "archive", category="Billing")
    status, _ = await call_api(hub, km, "PUT", f"/api/v1/knowledge/articles/{refunds}", json={"body": "Five days."})
    assert status == 200  # the published article now has a draft beside it
    for article_id, kind in (
        (refunds, "helpful"),
        (refunds, "helpful"),
        (refunds, "inserted"),
        (address, "not_helpful"),
    ):
        path = f"/api/v1/knowledge/articles/{article_id}/feedback"
        status, _ = await call_api(hub, km, "POST", path, json={"kind": kind})
        assert status == 201

    agent = await make_token(db, "agent")  # agents read the list too: they draft articles
    everything = await overview(hub, agent)
    assert everything["counts"] == {"draft": 2, "in_review": 0, "published": 2, "archived": 1, "review_due": 1,
                                    "all": 4}  # fmt: skip
    assert everything["categories"] == ["Billing", "Orders"] and everything["total"] == 4
    rows = {a["id"]: a for a in everything["articles"]}
    assert rows[refunds]["status"] == "published" and rows[refunds]["working_status"] == "draft"
    assert rows[refunds]["owner"] == {"id": owner.id, "name": owner.display_name}
    assert rows[refunds]["usefulness"] == {"helpful": 2, "inserted": 1, "not_helpful": 0}
    assert rows[address]["overdue"] is True and rows[address]["review_by"] == "2020-01-31"
    assert rows[retired]["overdue"] is False and rows[retired]["status"] == "archived"

    assert [a["id"] for a in (await overview(hub, km, "status=draft&sort=title"))["articles"]] == [draft, refunds]
    assert [a["id"] for a in (await overview(hub, km, "status=review_due"))["articles"]] == [address]
    assert {a["id"] for a in (await overview(hub, km, "category=Billing"))["articles"]} == {refunds, retired}
    useful_first = await overview(hub, km, "sort=useful&status=published")
    assert [a["id"] for a in useful_first["articles"]] == [refunds, address]
    assert [a["id"] for a in (await overview(hub, km, "sort=review_by&limit=1"))["articles"]] == [address]
    second = await overview(hub, km, "sort=title&offset=1&limit=2")
    assert [a["id"] for a in second["articles"]] == [draft, retired] and second["total"] == 4

    # The knowledge search finds the published article by a question it never spells out; text finds the draft.
    async def searched(q: str) -> list[int]:
        return [a["id"] for a in (await overview(hub, km, f"q={q}"))["articles"]]

    for _ in range(100):  # the search index takes a published article in as the bus delivers it
        if refunds in await searched("money+back"):
            break
        await asyncio.sleep(0.05)
    assert (await searched("money+back"))[0] == refunds
    assert await searched("gifts") == [draft]
    assert await searched(f"%23{draft}") == [draft]


async def test_the_list_refuses_what_it_does_not_know(hub: Hub, db: Database) -> None:
    km = await make_token(db, "knowledge_manager")
    for query in ("status=lost", "sort=random", "limit=0", "offset=-1", "owner_id=abc"):
        status, _ = await call_api(hub, km, "GET", f"/api/v1/knowledge/overview?{query}")
        assert status in (400, 404), query
    status, _ = await call_api(hub, await make_token(db, "admin"), "GET", "/api/v1/knowledge/overview")
    assert status == 200
