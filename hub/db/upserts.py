"""INSERT ... ON CONFLICT for the database in use, its dialect's module imported only where that database runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite


def insert_for(sqlite: bool) -> Callable[[Any], postgresql.Insert | sqlite.Insert]:
    """The dialect's `insert` (which has `on_conflict_do_update`): SQLite's, else PostgreSQL's. Importing
    `sqlalchemy.dialects.postgresql` at module level would load its 22 modules into a SQLite hub too."""
    if sqlite:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert
    from sqlalchemy.dialects.postgresql import insert as postgresql_insert

    return postgresql_insert
