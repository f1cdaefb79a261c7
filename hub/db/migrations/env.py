"""Alembic environment: async engine, URL handed over by hub.db.migrate."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from hub.db.base import Base
from hub.db.engine import create_engine

config = context.config
# The tables registered so far. Each table module registers itself on import, and the database layer imports
# none above it (customers, knowledge, sign-in and macro tables live with their domains); upgrades run the
# revisions and need no tables, and tests/db/test_migrations.py compares the revisions with every table module.
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs table rebuilds for ALTERs
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _online() -> None:
    engine = create_engine(config.attributes["database_url"])
    try:
        async with engine.connect() as conn:
            await conn.run_sync(_run)
            await conn.commit()
    finally:
        await engine.dispose()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_online())
