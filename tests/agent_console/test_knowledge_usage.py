"""How often each article was suggested in the last 30 days, as the knowledge list and the article's read give it:
suggestions made through the suggest endpoint and flushed, days before the window left out, the list sorted by it,
and the article's days and insertions over the same window."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from hub import keys
from hub.clock import utcnow
from hub.db.engine import Database
from hub.knowledge.tables import ArticleDay, ArticleEvent
from tests.agent_console.test_knowledge_overview import overview, write
from tests.conftest import Hub, make_token
from tests.mail_kit import call_api
from tests.waiting import until


async def test_suggestions_in_the_last_30_days_per_article_sorted_and_per_day(hub: Hub, db: Database) -> None:
    km = await make_token(db, "knowledge_manager")
    refund = await write(hub, km, "Refund timing", "submit", "approve", variants=["when do I get my money back"])
    address = await write(hub, km, "Change the delivery address", "submit", "approve",
                          variants=["I moved, deliver my order to my new home"])  # fmt: skip
    draft = await write(hub, km, "Gift wrapping")

    async def indexed() -> bool:  # the list's search does not count as suggesting
        found = [a["id"] for a in (await overview(hub, km, "q=money+back&sort=relevance"))["articles"]]
        moved = [a["id"] for a in (await overview(hub, km, "q=new+home&sort=relevance"))["articles"]]
        return found[:1] == [refund] and moved[:1] == [address]

    await until(indexed, what="both published articles in the search index")
    knowledge = hub.app[keys.KNOWLEDGE]
    await knowledge.flush()
    assert (await overview(hub, km))["articles"][0]["suggested_30d"] == 0  # nothing suggested yet

    shown: Counter[int] = Counter()
    agent = await make_token(db, "agent")
    for question in ["when do I get my money back", "money back please", "refund timing?", "I moved house"]:
        status, body = await call_api(hub, agent, "GET", "/api/v1/knowledge/suggest", params={"q": question})
        assert status == 200, body
        shown.update(s["article_id"] for s in body["suggestions"])
    assert shown[refund] >= 3, shown
    await knowledge.flush()

    today = utcnow().date()
    async with db.write() as uow:  # older days: the window's first day counts, the day before it does not
        uow.session.add_all([
            ArticleDay(article_id=refund, day=today - timedelta(days=30), suggested=1000),
            ArticleDay(article_id=address, day=today - timedelta(days=29), suggested=7),
        ])  # fmt: skip
    expected = {refund: shown[refund], address: shown[address] + 7, draft: 0}

    listed = {a["id"]: a["suggested_30d"] for a in (await overview(hub, km))["articles"]}
    assert listed == expected
    by_use = [a["id"] for a in (await overview(hub, km, "sort=suggested"))["articles"]]
    assert by_use == sorted(expected, key=lambda a: (expected[a], a), reverse=True)
    assert by_use[-1] == draft

    # The article's own read: the same count, each of the 30 days (today last) and insertions over those days.
    for kind in ("inserted", "inserted", "helpful"):
        status, _ = await call_api(hub, agent, "POST", f"/api/v1/knowledge/articles/{address}/feedback",
                                   json={"kind": kind})  # fmt: skip
        assert status == 201
    async with db.write() as uow:  # an insertion before the window is left out of the share
        long_ago = datetime.now(UTC) - timedelta(days=31)
        uow.session.add(ArticleEvent(article_id=address, kind="inserted", created_at=long_ago))
    status, article = await call_api(hub, km, "GET", f"/api/v1/knowledge/articles/{address}")
    assert status == 200, article
    assert article["suggested_30d"] == expected[address] and article["inserted_30d"] == 2
    days = article["suggested_days"]
    assert len(days) == 30 and days[-1]["day"] == today.isoformat()
    assert days[0] == {"day": (today - timedelta(days=29)).isoformat(), "suggested": 7}
    assert days[-1]["suggested"] == shown[address] and sum(d["suggested"] for d in days[1:-1]) == 0
    status, untouched = await call_api(hub, km, "GET", f"/api/v1/knowledge/articles/{draft}")
    assert status == 200 and untouched["suggested_30d"] == 0 and untouched["inserted_30d"] == 0
    assert [d["suggested"] for d in untouched["suggested_days"]] == [0] * 30
