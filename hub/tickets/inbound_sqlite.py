"""The inbound batch's reads on SQLite, run on the driver's connection: a few microseconds each, not a hundred.

Each batch starts with a few small indexed reads (which contacts are stored, the senders' customers, the tickets
they continue). Through SQLAlchemy each cost 80-110 us of CPU (measured: its execution context, the expanding IN
list rendered again every time, a greenlet per call, result objects), about 20 us on the sqlite3 connection itself;
in the open loop a batch holds a handful of contacts, so that fixed cost was paid per few contacts. Here the
statement is compiled once (its IN list rendered once per length), run on the transaction's own connection under
the same inline budget as any read (a read past it is stopped and run through SQLAlchemy, which moves it to a
reader thread), and each column converted as its type would (UTC times, JSON documents). Writes go to the driver
too (hub/db/binds.py), the engine's listeners called with each. PostgreSQL keeps SQLAlchemy's path for reads too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, Selectable
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler

from hub.db.offload import Interrupted, budget
from hub.db.sqlite import inline_driver
from hub.db.types import JSONDocument, UTCDateTime

Convert = Callable[[Any], Any]


def _utc(value: Any) -> datetime | None:
    """UTCDateTime read on SQLite: the stored text parsed as SQLAlchemy parses it, marked UTC."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _json(value: Any) -> Any:
    return None if value is None else json.loads(value) if isinstance(value, str | bytes) else value


class DriverRead:
    """One SELECT, compiled once for SQLite, run on the driver's connection; rows as tuples of converted values."""

    def __init__(self, statement: Select[Any]) -> None:
        self._statement = statement
        self._compiled: tuple[SQLCompiler, tuple[Convert | None, ...]] | None = None
        self._sql: dict[tuple[tuple[str, int], ...], tuple[str, tuple[str, ...]]] = {}

    def _compile(self, dialect: Dialect) -> tuple[SQLCompiler, tuple[Convert | None, ...]]:
        if self._compiled is None:
            compiled = self._statement.compile(dialect=dialect)
            assert isinstance(compiled, SQLCompiler)
            converters: list[Convert | None] = []
            for column in _columns(self._statement):
                kind = column.type
                if isinstance(kind, UTCDateTime):
                    converters.append(_utc)
                elif isinstance(kind, JSONDocument):
                    converters.append(_json)
                else:
                    converters.append(kind.dialect_impl(dialect).result_processor(dialect, None))
            self._compiled = (compiled, tuple(converters))
        return self._compiled

    def _rendered(self, compiled: SQLCompiler, params: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
        """The SQL with each expanding IN list as `(?, ?, ...)` of its length, and the parameters' order."""
        lengths = tuple(
            (name, len(params[name])) for name in compiled.positiontup or () if name in compiled.literal_execute_params
            or compiled.binds[name].expanding
        )  # fmt: skip
        if (known := self._sql.get(lengths)) is not None:
            return known
        sql = compiled.string
        for name, n in lengths:
            if n == 0:
                raise ValueError(f"an empty list for {name!r}")  # SQLAlchemy renders an always-false IN for it
            sql = sql.replace(f"(__[POSTCOMPILE_{name}])", "(" + ", ".join("?" * n) + ")", 1)
        self._sql[lengths] = rendered = (sql, tuple(compiled.positiontup or ()))
        return rendered

    async def rows(self, s: AsyncSession, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        conn = await s.connection()
        compiled, converters = self._compile(conn.dialect)
        sql, names = self._rendered(compiled, params)
        values: list[Any] = []
        for name in names:
            bind = compiled.binds[name]
            if bind.expanding:
                values.extend(params[name])
            else:  # a value of the statement's own (status != 'closed') when the caller gives none
                values.append(params.get(name, bind.effective_value))
        driver = await inline_driver(conn)  # the sqlite3 connection of this transaction
        if driver is None:  # not hub.db.sqlite's connection: SQLAlchemy's path
            return await self._through_sqlalchemy(s, params)
        try:
            with budget(driver):
                found: list[tuple[Any, ...]] = driver.execute(sql, values).fetchall()
        except Interrupted:  # past the inline budget: SQLAlchemy's path moves it to a reader thread
            return await self._through_sqlalchemy(s, params)
        if not any(converters):
            return found
        pairs = tuple(enumerate(converters))
        return [tuple(row[i] if c is None else c(row[i]) for i, c in pairs) for row in found]

    async def _through_sqlalchemy(self, s: AsyncSession, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in await s.execute(self._statement, dict(params))]

    async def dicts(self, s: AsyncSession, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        keys = tuple(c.key for c in _columns(self._statement))
        return [dict(zip(keys, row, strict=True)) for row in await self.rows(s, params)]


def _columns(statement: Selectable) -> Sequence[Any]:
    return list(statement.selected_columns)  # type: ignore[attr-defined]
