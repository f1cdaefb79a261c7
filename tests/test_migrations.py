"""Migrations match the models on both databases, and go down as well as up."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from hub.bus import EventBus
from hub.db.engine import Database
from hub.db.migrate import downgrade, ensure_current, upgrade_async
from hub.db.schema import metadata


async def test_upgraded_schema_equals_models(db: Database) -> None:
    def diff(conn: Connection) -> list[object]:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
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
