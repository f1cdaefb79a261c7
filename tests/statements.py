"""The SQL statements a database's engine sends while a block runs: how tests count round trips and see batching."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from hub.db.engine import Database


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Every SQL statement this database's engine sends while inside."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
