"""List rows preview the last thing the customer or an agent said (never a note), in the same statement count."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from hub.db.engine import Database
from tests.conftest import Hub, make_token
from tests.console_kit import contact
from tests.tickets.test_search import call


async def counted(db: Database, hub: Hub, token: str, path: str) -> tuple[Any, int]:
    """The body of a GET and how many SQL statements the hub ran for it."""
    seen: list[str] = []

    def count(*_args: Any) -> None:
        seen.append("x")

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        status, body = await call(hub, token, path)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert status == 200, body
    return body, len(seen)


async def test_list_rows_preview_the_last_message_and_never_a_note(hub: Hub, db: Database) -> None:
    token = await make_token(db, "supervisor")
    long_text = "Where is my parcel?\n\n   It was due on Monday " + "and nothing came " * 20
    parcel = await contact(hub, long_text, who="jane@example.com")
    quiet = await contact(hub, "退款多久到账？", who="wang@example.cn")
    status, _ = await call(hub, token, f"/api/v1/tickets/{quiet}/replies", "POST", {"text": "三个工作日内到账。"})
    assert status == 201
    status, _ = await call(hub, token, f"/api/v1/tickets/{quiet}/replies", "POST",
                           {"text": "secret: customer is upset", "internal": True})  # fmt: skip
    assert status == 201

    body, statements = await counted(db, hub, token, "/api/v1/tickets?limit=50")
    assert statements <= 5
    rows = {t["id"]: t["preview"] for t in body["tickets"]}
    assert rows[quiet] == {"by": "agent", "text": "三个工作日内到账。"}  # the note after it does not show
    assert rows[parcel]["by"] == "customer"
    assert rows[parcel]["text"].startswith("Where is my parcel? It was due on Monday and nothing came")
    assert len(rows[parcel]["text"]) == 100 and rows[parcel]["text"].endswith("…")

    # The workspace's own list (its first load and every resync) carries the same previews.
    inbox, statements = await counted(db, hub, token, "/api/v1/console/inbox")
    assert statements <= 5
    assert {t["id"]: t["preview"] for t in inbox["tickets"]}[quiet]["text"] == "三个工作日内到账。"
