"""Migrations match the models on both databases, and go down as well as up."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
from datetime import UTC, date, datetime

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, insert, inspect, select
from sqlalchemy.engine import Connection

import hub
from hub.bus import EventBus
from hub.customers.search_index import not_index_table
from hub.db.base import Base
from hub.db.engine import Database
from hub.db.migrate import downgrade, ensure_current, upgrade_async
from hub.knowledge.tables import Article, ArticleDay, ArticleEvent


def every_table() -> MetaData:
    """Base's tables once every hub module is imported: table modules live with their domains (the database
    layer names none of them), so a new one anywhere is compared with the revisions without being listed."""
    for module in pkgutil.walk_packages(hub.__path__, "hub."):
        # __main__ would run the CLI, and the migrations are alembic's scripts, run only inside its context.
        if module.name != "hub.__main__" and not module.name.startswith("hub.db.migrations"):
            importlib.import_module(module.name)
    return Base.metadata


def test_every_table_module_is_found() -> None:
    tables = every_table().tables
    # One table of each module that has some, today: the core tables, customers, knowledge, sign-in, macros.
    assert {"tickets", "customer_merges", "kb_articles", "signin_counters", "macros"} <= set(tables)


async def test_upgraded_schema_equals_models(db: Database) -> None:
    metadata = every_table()

    def diff(conn: Connection) -> list[object]:
        # The full-text tables are the engines' own (FTS5 virtual tables and their shadows), made by 0013.
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": not_index_table})
        return list(compare_metadata(ctx, metadata))

    async with db.engine.connect() as conn:
        assert await conn.run_sync(diff) == []
    await ensure_current(db.engine)


async def test_downgrade_to_base_and_back(database_url: str) -> None:
    await asyncio.to_thread(downgrade, database_url, "base")
    db = Database(database_url, EventBus())
    try:
        async with db.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
        assert set(tables) <= {"alembic_version"}
        await upgrade_async(database_url)
        await ensure_current(db.engine)
    finally:
        await db.dispose()


async def test_suggested_rows_become_counts_per_article_and_day(database_url: str) -> None:
    """0024: the usage rows written per suggestion become one count per article and UTC day; votes stay rows."""
    await asyncio.to_thread(downgrade, database_url, "0023")
    db = Database(database_url, EventBus())
    try:
        async with db.engine.begin() as conn:
            at = datetime(2026, 12, 4, 23, 0, tzinfo=UTC)
            await conn.execute(
                insert(Article), [{"id": i, "locale": "en", "created_at": at, "updated_at": at} for i in (1, 2)]
            )
            rows = [(1, "suggested", datetime(2026, 12, 4, 23, 59, 59, tzinfo=UTC))] * 3 + [
                (1, "suggested", datetime(2026, 12, 5, 0, 0, 1, tzinfo=UTC)),
                (2, "suggested", datetime(2026, 12, 5, 8, tzinfo=UTC)),
                (2, "helpful", datetime(2026, 12, 5, 8, tzinfo=UTC)),
            ]
            for article, kind, at in rows:
                await conn.execute(insert(ArticleEvent).values(article_id=article, kind=kind, created_at=at))
        await upgrade_async(database_url)
        async with db.engine.connect() as conn:
            days = (await conn.execute(select(ArticleDay.article_id, ArticleDay.day, ArticleDay.suggested))).all()
            kinds = list(await conn.scalars(select(ArticleEvent.kind)))
        assert sorted(days) == [(1, date(2026, 12, 4), 3), (1, date(2026, 12, 5), 1), (2, date(2026, 12, 5), 1)]
        assert kinds == ["helpful"]
    finally:
        await db.dispose()
