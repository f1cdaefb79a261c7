"""A fresh database for every test, copied from one migrated once per test run (SQLite: a file; PostgreSQL: a template).

A copy takes milliseconds where migrating takes a few hundred. On PostgreSQL each test gets a database of its
own, dropped with its connections when the test ends: a process some test left running cannot reach the rows
of a later one (a schema per test would need migrating each time, and a search_path any process could change)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import Callable, Coroutine
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import count
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
from sqlalchemy.engine import make_url

from hub.db.migrate import upgrade_async

T = TypeVar("T")
NAMES = re.compile(r"^hub_test_(\d+)_")  # hub_test_<pid of the test run>_<template|n>


def _run_alive(database: str) -> bool:
    """Whether the test run that made this database is still running (on this machine, as the test cluster is)."""
    match = NAMES.match(database)
    assert match
    try:
        os.kill(int(match[1]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SqliteCopies:
    def __init__(self, folder: Path) -> None:
        self._template = folder / "template.db"
        self._ready = False

    async def fresh(self, path: Path) -> str:
        if not self._ready:
            await upgrade_async(f"sqlite+aiosqlite:///{self._template}")
            self._ready = True
        shutil.copyfile(self._template, path)
        return f"sqlite+aiosqlite:///{path}"


class PostgresCopies:
    """Databases of the test cluster, made and dropped through the configured one (which tests never use).

    Each test's loop is its own, so the making and dropping happen in a thread of this run's: the next test's
    database is made while this test runs, and a finished test's is dropped while the next one starts."""

    def __init__(self, url: str) -> None:
        self._url = make_url(url)
        self._prefix = f"hub_test_{os.getpid()}_"
        self._template = self._prefix + "template"
        self._numbers = count(1)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-databases")
        self._next: Future[str] | None = None

    def _dsn(self) -> str:
        return self._url.set(drivername="postgresql").render_as_string(hide_password=False)

    def _in_thread(self, job: Callable[[], Coroutine[Any, Any, T]]) -> Future[T]:
        return self._worker.submit(lambda: asyncio.run(job()))

    async def _execute(self, *statements: str) -> None:
        conn = await asyncpg.connect(self._dsn())
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    async def _ours(self) -> list[str]:
        """The databases test runs made (this one's and those of runs that died before dropping theirs)."""
        conn = await asyncpg.connect(self._dsn())
        try:
            return [
                r["datname"] for r in await conn.fetch("SELECT datname FROM pg_database") if NAMES.match(r["datname"])
            ]
        finally:
            await conn.close()

    async def _copy(self) -> str:
        name = f"{self._prefix}{next(self._numbers)}"
        await self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self._template}"')
        return self._url.set(database=name).render_as_string(hide_password=False)

    async def fresh(self) -> str:
        if self._next is None:
            await asyncio.wrap_future(self._in_thread(self._make_template))
            self._next = self._in_thread(self._copy)
        made, self._next = self._next, self._in_thread(self._copy)
        try:
            return await asyncio.wrap_future(made)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            # Made while the cluster restarted (a fault test, running alone, restarts it): once more, now.
            return await asyncio.wrap_future(self._in_thread(self._copy))

    async def drop(self, url: str) -> None:
        """WITH (FORCE): the connections of a process still running go with the database. Not awaited: a
        database no test uses any more can go while the next test starts (close() sees each one gone)."""
        statement = f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'
        self._in_thread(lambda: self._execute(statement))

    async def _make_template(self) -> None:
        stale = [n for n in await self._ours() if not _run_alive(n)]
        await self._execute(*(f'DROP DATABASE "{n}" WITH (FORCE)' for n in stale))
        await self._execute(f'DROP DATABASE IF EXISTS "{self._template}"', f'CREATE DATABASE "{self._template}"')
        await upgrade_async(self._url.set(database=self._template).render_as_string(hide_password=False))

    async def close(self) -> None:
        """Every database this run made goes, the template and one made for a test that never came too."""
        self._worker.shutdown(wait=True)  # drops that failed (a restart) leave theirs to the sweep below
        if self._next is not None:
            mine = [n for n in await self._ours() if n.startswith(self._prefix)]
            await self._execute(*(f'DROP DATABASE "{n}" WITH (FORCE)' for n in mine))
