"""Migrations match the models on both databases, and go down as well as up."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Connection

import hub
from hub.bus import EventBus
from hub.customers.search_index import not_index_table
from hub.db.base import Base
from hub.db.engine import Database
from hub.db.migrate import downgrade, ensure_current, upgrade_async


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
