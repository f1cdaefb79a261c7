"""A batch's rows bound in plain Python on SQLite: values converted once each, not by SQLAlchemy's per-row steps.

An executemany through SQLAlchemy builds, for every row, a dict of all its parameters (construct_params) and runs
each column type's bind processor on it: for a UTC time a TypeDecorator around SQLite's DATETIME formatter, for a
JSON document a wrapper around json.dumps. Profiled on the inbound batch, that was about a fifth of the batch's
statements. Here a statement is compiled once for the dialect, its parameters' order and converters are worked
out once, and each row becomes a tuple in one pass; the SQL goes to the driver as compiled (exec_driver_sql: the
engine's events and error wrapping stay). The stored text is what the processors would store: the UTC time as
SQLite's DATETIME writes it, JSON as json.dumps writes it (tests/db/test_binds.py reads both back).
PostgreSQL keeps SQLAlchemy's path: asyncpg takes datetimes as they are and its JSON wrapper is the driver's.
On the hub's own SQLite connections (hub/db/sqlite.py) the statement goes to the sqlite3 connection itself, not
through SQLAlchemy's execution (its context, cursor wrappers and result objects: about 80 us a statement, four
times SQLite's own work for a batch's small INSERT): the engine's before_cursor_execute listeners are still called
with it, and a driver error is raised as SQLAlchemy wraps it (an IntegrityError stays an IntegrityError).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import CursorResult, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.dml import UpdateBase

from hub.db.sqlite import inline_driver
from hub.db.types import JSONDocument, UTCDateTime

Convert = Callable[[Any], Any]
# SQLite's own cap on parameters per statement before 3.32 (32,766 since): a multi-row INSERT stays under it.
_MAX_PARAMS = 999


def utc_text(value: datetime | None) -> str | None:
    """A UTC time as UTCDateTime stores it on SQLite ('2026-12-05 09:00:00.000000')."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    # isoformat pads the year to four digits and, with "microseconds", always writes six: SQLite's DATETIME format.
    return value.isoformat(" ", "microseconds")[:26]


def json_text(value: Any) -> str:
    """A JSON document as SQLAlchemy's JSON type stores it on SQLite (None is JSON null, as the column evaluates it)."""
    if not value and type(value) in (list, dict):  # the common empty ones: no encoder run
        return "[]" if type(value) is list else "{}"
    return json.dumps(value)


class SqliteRows:
    """One INSERT or UPDATE of many rows on SQLite, its values bound in plain Python. Every parameter the compiled
    statement takes must be in the rows (a column's Python default is not filled in here: refused at first use)."""

    def __init__(self, statement: UpdateBase) -> None:
        self._statement = statement
        self._compiled: tuple[str, tuple[tuple[str, Convert | None], ...]] | None = None
        self._multi: dict[int, str] = {}  # multi-row VALUES by row count (an INSERT ... RETURNING)

    def _compile(self, dialect: Dialect, keys: Sequence[str]) -> tuple[str, tuple[tuple[str, Convert | None], ...]]:
        if self._compiled is None:
            compiled = self._statement.compile(dialect=dialect, column_keys=list(keys))
            names = compiled.positiontup or ()
            if missing := set(names) - set(keys):
                raise ValueError(f"rows without {sorted(missing)}: give every column, defaults are not filled in here")
            converters: list[tuple[str, Convert | None]] = []
            for name in names:
                kind = compiled.binds[name].type
                if isinstance(kind, UTCDateTime):
                    converters.append((name, utc_text))
                elif isinstance(kind, JSONDocument):
                    converters.append((name, json_text))
                else:  # anything else as SQLAlchemy binds it (None: the driver takes it as it is)
                    converters.append((name, kind.dialect_impl(dialect).bind_processor(dialect)))
            self._compiled = (compiled.string, tuple(converters))
        return self._compiled

    def _values(self, rows: Sequence[dict[str, Any]], converters: tuple[tuple[str, Convert | None], ...]) -> list[Any]:
        return [[row[name] if convert is None else convert(row[name]) for name, convert in converters] for row in rows]

    async def execute_many(self, s: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
        """The statement once per row, in one executemany."""
        if not rows:
            return
        conn = await s.connection()
        sql, converters = self._compile(conn.dialect, list(rows[0]))
        await driver_sql(conn, sql, [tuple(v) for v in self._values(rows, converters)], many=True)

    async def insert_returning(self, s: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[Any]:
        """An INSERT ... RETURNING of all the rows as multi-row VALUES (in chunks under SQLite's parameter cap); the
        returned rows in SQLite's order, which is not promised to be the rows' order."""
        if not rows:
            return []
        conn = await s.connection()
        sql, converters = self._compile(conn.dialect, list(rows[0]))
        width = len(converters)
        step = max(1, _MAX_PARAMS // max(1, width))
        values = self._values(rows, converters)
        returned: list[Any] = []
        for start in range(0, len(values), step):
            chunk = values[start : start + step]
            returned += await driver_sql(
                conn, self._multi_sql(sql, width, len(chunk)), tuple(v for row in chunk for v in row)
            )
        return returned

    def _multi_sql(self, sql: str, width: int, count: int) -> str:
        if (known := self._multi.get(count)) is not None:
            return known
        group = "(" + ", ".join("?" * width) + ")"
        head, values, tail = sql.partition(" VALUES ")
        if not values or not tail.startswith(group):  # only plain "?" placeholders can be repeated row by row
            raise ValueError(f"not a one-row INSERT of {width} parameters: {sql[:80]!r}")
        self._multi[count] = multi = f"{head} VALUES {', '.join([group] * count)}{tail[len(group) :]}"
        return multi


def on_driver(
    conn: AsyncConnection, driver: sqlite3.Connection, sql: str, params: Any, *, many: bool
) -> sqlite3.Cursor:
    """A write on the transaction's sqlite3 connection, heard by the engine's listeners and wrapped as SQLAlchemy
    wraps the driver's errors."""
    sync = conn.sync_connection
    assert sync is not None
    # Chained as SQLAlchemy chains them: a listener registered with retval=True may rewrite what is sent.
    for listener in sync.dispatch.before_cursor_execute:
        sql, params = listener(sync, None, sql, params, None, many)
    try:
        return driver.executemany(sql, params) if many else driver.execute(sql, params)
    except sqlite3.Error as exc:
        raise DBAPIError.instance(sql, params, exc, sqlite3.Error) from exc


async def driver_sql(conn: AsyncConnection, sql: str, params: Any, *, many: bool = False) -> list[Any]:
    """SQL as the driver takes it: on the hub's own SQLite connections on the driver itself (on_driver), on any other
    through SQLAlchemy's exec_driver_sql. The rows it returns (none for a write without RETURNING)."""
    driver = await inline_driver(conn)
    if driver is not None:
        cursor = on_driver(conn, driver, sql, params, many=many)
        return cursor.fetchall() if cursor.description else []
    result: CursorResult[Any] = await conn.exec_driver_sql(sql, params)
    return list(result.fetchall()) if result.returns_rows else []
