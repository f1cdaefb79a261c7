"""How often each article was suggested in the last 30 days, as the knowledge list and the article's read give it:
suggestions made through the suggest endpoint and flushed, days before the window left out, the list sorted by it,
and the article's days and insertions over the same window. The window's exact edges are checked on a fixed day;
through the API every assertion holds whichever side of midnight UTC each request falls on."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from hub import keys
from hub.clock import utcnow
from hub.db.engine import Database
from hub.knowledge.tables import ArticleDay, ArticleEvent
from hub.knowledge.usage_counts import article_usage, suggested_per_article
from tests.agent_console.test_knowledge_overview import overview, write
from tests.conftest import Hub, make_token
from tests.mail_kit import call_api
from tests.waiting import until


async def test_the_window_is_the_30_utc_days_to_today_included(hub: Hub, db: Database) -> None:
    km = await make_token(db, "knowledge_manager")
    refund, gift = await write(hub, km, "Refund timing"), await write(hub, km, "Gift wrapping")
    today = date(2026, 3, 1)  # a fixed day: the window cannot move while the test runs
    first = today - timedelta(days=29)
    async with db.write() as uow:
        uow.session.add_all([
            ArticleDay(article_id=refund, day=first - timedelta(days=1), suggested=1000),  # the day before it
            ArticleDay(article_id=refund, day=first, suggested=7),  # its first day counts
            ArticleDay(article_id=refund, day=today, suggested=2),  # and its last, today
            ArticleDay(article_id=refund, day=today + timedelta(days=1), suggested=500),  # after it
            ArticleDay(article_id=gift, day=today - timedelta(days=3), suggested=1),
        ])  # fmt: skip
        start = datetime.combine(first, time.min, tzinfo=UTC)  # the window's first instant
        uow.session.add_all([
            ArticleEvent(article_id=refund, kind="inserted", created_at=start),
            ArticleEvent(article_id=refund, kind="inserted", created_at=start - timedelta(microseconds=1)),
            ArticleEvent(article_id=refund, kind="helpful", created_at=start),
        ])  # fmt: skip
    async with db.read() as s:
        assert await suggested_per_article(s, today) == {refund: 9, gift: 1}
        usage = await article_usage(s, refund, today)
        assert (await article_usage(s, gift, today)).inserted == 0
    assert usage.suggested == 9 and usage.inserted == 1
    assert [d for d, _ in usage.days] == [first + timedelta(days=i) for i in range(30)]
    assert usage.days[0] == (first, 7) and usage.days[-1] == (today, 2)
    assert sum(n for _, n in usage.days[1:-1]) == 0


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

    # Older days, on either side of the window whatever day the requests below fall on (today or, past midnight
    # UTC, the day after): the window's exact edges are test_the_window_is_the_30_utc_days_to_today_included's.
    today = utcnow().date()
    async with db.read() as s:  # the day the flush wrote: today, or the day before if midnight came between
        flushed = await s.scalar(select(ArticleDay.day).where(ArticleDay.article_id == refund))
    assert flushed is not None and today - timedelta(days=1) <= flushed <= today
    async with db.write() as uow:
        uow.session.add_all([
            ArticleDay(article_id=refund, day=today - timedelta(days=31), suggested=1000),
            ArticleDay(article_id=address, day=today - timedelta(days=28), suggested=7),
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
    last = date.fromisoformat(days[-1]["day"])  # the request's own today
    assert last in (today, today + timedelta(days=1))
    assert [d["day"] for d in days] == [(last - timedelta(days=29 - i)).isoformat() for i in range(30)]
    per_day = {d["day"]: d["suggested"] for d in days if d["suggested"]}
    assert per_day == {(today - timedelta(days=28)).isoformat(): 7} | (
        {flushed.isoformat(): shown[address]} if shown[address] else {}
    )
    status, untouched = await call_api(hub, km, "GET", f"/api/v1/knowledge/articles/{draft}")
    assert status == 200 and untouched["suggested_30d"] == 0 and untouched["inserted_30d"] == 0
    assert [d["suggested"] for d in untouched["suggested_days"]] == [0] * 30
