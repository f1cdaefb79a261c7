"""Alembic, driven from code: `hub db upgrade` and the start-up check that the schema is current."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.db.urls import hide_credentials, shown_url
from hub.imports import without

with without("pygments"):  # alembic's mako highlights template tracebacks with it: 5 MB the server never uses
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class SchemaOutOfDate(RuntimeError):
    pass


class MigrationFailed(RuntimeError):
    """Migrating failed; the message names the database without its password."""


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["database_url"] = url
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Blocking; env.py runs its own event loop, so call this outside one (or in a thread). A failure is
    raised as MigrationFailed without the original chain: drivers and URL parsers quote the URL, password and
    all, and a traceback printed by `hub db upgrade` would show it."""
    try:
        command.upgrade(alembic_config(url), revision)
    except Exception as exc:
        detail = hide_credentials(f"{type(exc).__name__}: {exc}").replace(url, shown_url(url))
        raise MigrationFailed(f"migrating {shown_url(url)} failed: {detail}") from None


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


async def upgrade_async(url: str) -> None:
    await asyncio.to_thread(upgrade, url)


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    assert head is not None
    return head


async def ensure_current(engine: AsyncEngine) -> None:
    def current(conn: Connection) -> str | None:
        return MigrationContext.configure(conn).get_current_revision()

    async with engine.connect() as conn:
        revision = await conn.run_sync(current)
    head = head_revision()
    if revision != head:
        found = revision or "no schema"
        raise SchemaOutOfDate(f"database is at {found}, the code needs {head}: run `hub db upgrade`")
