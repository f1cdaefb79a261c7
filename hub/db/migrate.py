"""Alembic, driven from code: `hub db upgrade` and the start-up check that the schema is current."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.db.urls import hide_credentials, shown_url
from hub.imports import without

# Alembic (with mako) is imported by what migrates, not by a server whose schema is current: 10 MB it would keep.
if TYPE_CHECKING:
    from alembic.config import Config

_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*[\"']([^\"']*)[\"']\s*$", re.M)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class SchemaOutOfDate(RuntimeError):
    pass


class MigrationFailed(RuntimeError):
    """Migrating failed; the message names the database without its password."""


def alembic_config(url: str) -> Config:
    with without("pygments"):  # mako highlights template tracebacks with it: 5 MB the hub never uses
        from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["database_url"] = url
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Blocking; env.py runs its own event loop, so call this outside one (or in a thread). A failure is
    raised as MigrationFailed without the original chain: drivers and URL parsers quote the URL, password and
    all, and a traceback printed by `hub db upgrade` would show it."""
    from alembic import command

    try:
        command.upgrade(alembic_config(url), revision)
    except Exception as exc:
        detail = hide_credentials(f"{type(exc).__name__}: {exc}").replace(url, shown_url(url))
        raise MigrationFailed(f"migrating {shown_url(url)} failed: {detail}") from None


def downgrade(url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)


async def upgrade_async(url: str) -> None:
    await asyncio.to_thread(upgrade, url)


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    assert head is not None
    return head


async def ensure_current(engine: AsyncEngine) -> None:
    if await _plainly_current(engine):
        return

    def current(conn: Connection) -> str | None:
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(conn).get_current_revision()

    async with engine.connect() as conn:
        revision = await conn.run_sync(current)
    head = head_revision()
    if revision != head:
        found = revision or "no schema"
        raise SchemaOutOfDate(f"database is at {found}, the code needs {head}: run `hub db upgrade`")


async def _plainly_current(engine: AsyncEngine) -> bool:
    """True when the database's one version row names the one head of the migration files: the common case,
    answered without alembic. Anything else (no table, several heads, a file not read) goes to alembic's check."""
    head = _plain_head()
    if head is None:
        return False
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
    except SQLAlchemyError:
        return False
    return list(rows) == [head]


def _plain_head() -> str | None:
    """The linear chain's last revision, read from the files' `revision =` and `down_revision =` lines."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(_REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found:
            return None  # not a file this reading understands: alembic decides
        revisions.add(found["revision"])
        downs.update(filter(None, [found.get("down_revision")]))
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 else None
