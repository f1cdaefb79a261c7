"""The full-text index rows: words of tickets and of customers, kept by the database's own engine.

SQLite keeps them in FTS5 tables (porter stemming for tickets), PostgreSQL in tsvector columns under GIN
indexes. The words are segmented by the application (jieba for Chinese, hub/knowledge/text.py), because
neither database can: the rows are written in the caller's transaction, so the index never disagrees with
what it indexes. Ticket rows: one per message (id = interaction id) and one for the subject (id = -ticket id).
This module sits below the ticket domain so erasure (a customer concern) can forget a customer's tickets too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import BindParameter, bindparam, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.binds import driver_sql

TICKET_WORDS = "ticket_words"
CUSTOMER_WORDS = "customer_words"
# The engines' shadow tables (FTS5 keeps its index in ordinary tables next to the virtual one).
_FTS_SUFFIXES = ("", "_data", "_idx", "_content", "_docsize", "_config")
INDEX_TABLES = frozenset(f"{base}{suffix}" for base in (TICKET_WORDS, CUSTOMER_WORDS) for suffix in _FTS_SUFFIXES)
# PostgreSQL: tickets are stemmed as English (Chinese words pass through unchanged); names are not stemmed.
TICKET_CONFIG, CUSTOMER_CONFIG = "english", "simple"

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {TICKET_WORDS} USING fts5(words, ticket_id UNINDEXED, coach_for UNINDEXED, "
    "tokenize = 'porter unicode61 remove_diacritics 2')",
    f"CREATE VIRTUAL TABLE {CUSTOMER_WORDS} USING fts5(words, tokenize = 'unicode61 remove_diacritics 2')",
)
POSTGRES_DDL = (
    f"CREATE TABLE {TICKET_WORDS} (id BIGINT PRIMARY KEY, ticket_id INTEGER NOT NULL "
    "REFERENCES tickets(id) ON DELETE CASCADE, coach_for INTEGER, words TSVECTOR NOT NULL)",
    f"CREATE INDEX ix_{TICKET_WORDS}_words ON {TICKET_WORDS} USING GIN (words)",
    f"CREATE INDEX ix_{TICKET_WORDS}_ticket ON {TICKET_WORDS} (ticket_id)",
    f"CREATE TABLE {CUSTOMER_WORDS} (customer_id INTEGER PRIMARY KEY "
    "REFERENCES customers(id) ON DELETE CASCADE, words TSVECTOR NOT NULL)",
    f"CREATE INDEX ix_{CUSTOMER_WORDS}_words ON {CUSTOMER_WORDS} USING GIN (words)",
)


def not_index_table(name: str | None, type_: str, _parents: Any) -> bool:
    """For alembic's comparisons (include_name): the index tables are made by revision 0013, not by models."""
    return not (type_ == "table" and name in INDEX_TABLES)


def is_sqlite(s: AsyncSession | Connection) -> bool:
    return (s.get_bind() if isinstance(s, AsyncSession) else s).dialect.name == "sqlite"


_SQLITE_INSERT = "INSERT INTO ticket_words (rowid, words, ticket_id, coach_for) VALUES (?, ?, ?, ?)"
_MAX_IDS = 500  # under SQLite's oldest cap on parameters per statement (999)


def _ticket_insert(sqlite: bool) -> Any:
    if sqlite:
        return text(
            "INSERT INTO ticket_words (rowid, words, ticket_id, coach_for) VALUES (:id, :words, :ticket_id, :coach)"
        )
    return text(
        "INSERT INTO ticket_words (id, ticket_id, coach_for, words) "
        "VALUES (:id, :ticket_id, :coach, to_tsvector('english', :words)) "
        "ON CONFLICT (id) DO UPDATE SET words = excluded.words, coach_for = excluded.coach_for"
    )


def ticket_rows(rows: Sequence[dict[str, Any]], sqlite: bool) -> tuple[Any, list[dict[str, Any]]]:
    """The statement and parameters that index rows of {id, ticket_id, coach, words} (for bulk loads too)."""
    return _ticket_insert(sqlite), [r for r in rows if r["words"]]


async def put_ticket_rows(s: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if is_sqlite(s):
        await _put_sqlite(s, rows)
        return
    statement, params = ticket_rows(rows, False)
    if params:
        await s.execute(statement, params)


async def _put_sqlite(s: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """FTS5 has no upsert: a row written again (a subject) replaces the old one. Plain SQL and tuples to the driver
    (every inbound batch writes these): no parameter dict per row, no IN list rendered again at each execution, and
    on the hub's own connections no SQLAlchemy execution either (hub/db/binds.py)."""
    conn = await s.connection()
    ids = [r["id"] for r in rows]
    for start in range(0, len(ids), _MAX_IDS):
        chunk = tuple(ids[start : start + _MAX_IDS])
        marks = ", ".join("?" * len(chunk))  # placeholders only: the values go as parameters
        await driver_sql(conn, f"DELETE FROM ticket_words WHERE rowid IN ({marks})", chunk)  # noqa: S608
    values = [(r["id"], r["words"], r["ticket_id"], r["coach"]) for r in rows if r["words"]]
    if values:
        await driver_sql(conn, _SQLITE_INSERT, values, many=True)


async def forget_tickets(s: AsyncSession, ticket_ids: Iterable[int]) -> int:
    """Every indexed word of these tickets (erasure): subjects, and each message whoever wrote it."""
    ids = list(ticket_ids)
    if not ids:
        return 0
    expanding: BindParameter[Any] = bindparam("ids", expanding=True)
    if not is_sqlite(s):
        result = await s.execute(text("DELETE FROM ticket_words WHERE ticket_id IN :ids").bindparams(expanding),
                                 {"ids": ids})  # fmt: skip
        return int(getattr(result, "rowcount", 0) or 0)
    # FTS5 finds rows by rowid only (ticket_id is stored, not indexed): the messages' ids, then the subjects'.
    messages = await s.execute(text("DELETE FROM ticket_words WHERE rowid IN (SELECT id FROM interactions "
                                    "WHERE ticket_id IN :ids)").bindparams(expanding), {"ids": ids})  # fmt: skip
    subjects = await s.execute(text("DELETE FROM ticket_words WHERE rowid IN :ids").bindparams(expanding),
                               {"ids": [-i for i in ids]})  # fmt: skip
    return sum(int(getattr(r, "rowcount", 0) or 0) for r in (messages, subjects))


def customer_statements(sqlite: bool) -> tuple[Any, Any]:
    """(delete by ids, insert {id, words}) for the customer index."""
    by_id = (
        "DELETE FROM customer_words WHERE rowid IN :ids"
        if sqlite
        else "DELETE FROM customer_words WHERE customer_id IN :ids"
    )
    delete = text(by_id).bindparams(bindparam("ids", expanding=True))
    if sqlite:
        insert = text("INSERT INTO customer_words (rowid, words) VALUES (:id, :words)")
    else:
        insert = text("INSERT INTO customer_words (customer_id, words) VALUES (:id, to_tsvector('simple', :words))")
    return delete, insert
