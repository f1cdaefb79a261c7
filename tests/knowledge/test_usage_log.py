"""What suggestions leave behind: each article's suggestions counted per day (added to by every flush, one row per
article and day), and every question with no confident answer kept for the gap report, however many."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from hub import keys
from hub.clock import utcnow
from hub.db.engine import Database
from hub.knowledge import usage_log
from hub.knowledge.tables import ArticleDay, ArticleEvent, UnansweredQuery
from tests.conftest import Hub, make_token
from tests.knowledge.test_knowledge import SEED, Api


async def counts(db: Database) -> dict[int, int]:
    """Suggestions per article, over its days (a run that crosses midnight UTC counts on two)."""
    async with db.read() as s:
        rows = (await s.execute(select(ArticleDay.article_id, ArticleDay.day, ArticleDay.suggested))).all()
    assert {day for _, day, _ in rows} <= {utcnow().date(), utcnow().date() - timedelta(days=1)}
    totals: dict[int, int] = {}
    for article, _, n in rows:
        totals[article] = totals.get(article, 0) + n
    return totals


async def test_suggestions_are_counted_per_article_and_day(hub: Hub, db: Database) -> None:
    km = Api(hub, await make_token(db, "knowledge_manager"))
    assert (await km.call("POST", "/api/v1/knowledge/import?publish=1", SEED))[0] == 201
    kb = hub.app[keys.KNOWLEDGE]
    await kb.flush()
    before = await counts(db)
    shown: dict[int, int] = {}
    for question in ["I forgot my password", "where is my parcel", "我的快递到哪了", "I forgot my password"]:
        for found in kb.suggest(question, None, ticket_id=None):
            shown[found.article_id] = shown.get(found.article_id, 0) + 1
    assert shown
    await kb.flush()
    after = await counts(db)
    assert {a: after.get(a, 0) - before.get(a, 0) for a in after if after.get(a, 0) != before.get(a, 0)} == shown
    for found in kb.suggest("where is my parcel", None):  # a second flush the same day adds to the same rows
        shown[found.article_id] += 1
    await kb.flush()
    again = await counts(db)
    assert {a: again[a] - before.get(a, 0) for a in again if again[a] != before.get(a, 0)} == shown
    async with db.read() as s:  # and no row per suggestion any more
        assert await s.scalar(select(func.count()).select_from(ArticleEvent)) == 0


async def test_every_unanswered_question_is_kept_in_short_writes(hub: Hub, db: Database) -> None:
    kb = hub.app[keys.KNOWLEDGE]
    await kb.flush()
    async with db.read() as s:
        before = await s.scalar(select(func.max(UnansweredQuery.id))) or 0
    asked = [f"zzqx question number {i} about qqzz?" for i in range(usage_log.CHUNK * 2 + 37)]
    for question in asked:
        assert not any(found.confident for found in kb.suggest(question, "en"))
    await kb.flush()
    async with db.read() as s:
        stored = list(
            await s.scalars(
                select(UnansweredQuery.query).where(UnansweredQuery.id > before).order_by(UnansweredQuery.id)
            )
        )
    assert sorted(stored) == sorted(asked) and kb.usage.pending() == 0


async def test_a_flush_cut_short_by_a_stop_still_writes_what_it_took(hub: Hub, db: Database) -> None:
    """The server stopping cancels the flusher wherever it is: what a flush under way took from the buffer is still
    written, and the final flush waits for it and writes the rest."""
    kb = hub.app[keys.KNOWLEDGE]
    await kb.flush()
    async with db.read() as s:
        before = await s.scalar(select(func.max(UnansweredQuery.id))) or 0
    asked = [f"zzqx stop question {i} about qqzz?" for i in range(usage_log.CHUNK * 3)]
    for question in asked[:-5]:
        kb.suggest(question, "en")
    flushing = asyncio.create_task(kb.flush())
    await asyncio.sleep(0)
    flushing.cancel()
    for question in asked[-5:]:  # asked while the cut flush may still be writing
        kb.suggest(question, "en")
    await kb.flush()
    async with db.read() as s:
        stored = list(await s.scalars(select(UnansweredQuery.query).where(UnansweredQuery.id > before)))
    assert sorted(stored) == sorted(asked)
