"""A cursor no list or search handed out is refused as a message key, so the reader gets it in their language."""

from __future__ import annotations

from babel.messages.pofile import read_po

from hub.db.engine import Database
from hub.settings.paths import LOCALE
from tests.conftest import Hub, make_token
from tests.tickets.test_search import call, ingest

TEMPLATE = "cursor is not one this list handed out"


async def test_a_made_up_cursor_is_refused_with_its_key_on_lists_and_searches(hub: Hub, db: Database) -> None:
    token = await make_token(db, "agent")
    for n in range(3):
        await ingest(hub, n, f"refund please {n}")
    status, body = await call(hub, token, "/api/v1/tickets?q=refund&limit=1")
    assert status == 200 and body["next_cursor"]
    made_up = ["nonsense", "s999999999", "WzEsICJ5ZXN0ZXJkYXkiLCAxXQ"]  # the last: a list's shape, no time in it
    for query in ("status=new", "q=refund"):
        for cursor in made_up:
            status, body = await call(hub, token, f"/api/v1/tickets?{query}&cursor={cursor}")
            assert status == 400, (query, cursor)
            assert body["error"]["key"] == TEMPLATE and body["error"]["message"] == TEMPLATE
    # The search's own cursor still pages on.
    _, first = await call(hub, token, "/api/v1/tickets?q=refund&limit=1")
    status, page = await call(hub, token, f"/api/v1/tickets?q=refund&limit=1&cursor={first['next_cursor']}")
    assert status == 200 and page["tickets"][0]["id"] != first["tickets"][0]["id"]


def test_the_refusal_has_its_chinese_sentence() -> None:
    with (LOCALE / "zh_CN" / "LC_MESSAGES" / "hub.po").open("rb") as f:
        message = read_po(f, locale="zh_CN").get(TEMPLATE)
    assert message is not None and message.string
