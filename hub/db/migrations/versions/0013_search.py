"""search: full-text index of ticket subjects and messages and of customers; the inbox order's index

Revision ID: 0013
Revises: 0012
Created: 2026-12-03 04:30:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    from hub.customers.search_index import POSTGRES_DDL, SQLITE_DDL

    # Lists in inbox order read one index range per status and priority (hub/tickets/listing.py).
    order = ["status", "priority", "last_message_at", "id"]
    op.create_index("ix_tickets_inbox", "tickets", order)
    op.create_index("ix_tickets_queue_inbox", "tickets", ["queue_id", *order])  # a queue's list
    op.create_index("ix_tickets_assignee_inbox", "tickets", ["assignee_id", *order])  # an agent's list
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_DDL if sqlite else POSTGRES_DDL:
        op.execute(statement)
    _backfill(op.get_bind(), sqlite)


def _backfill(conn: sa.Connection, sqlite: bool) -> None:
    """The words of what is already stored, in batches (jieba segments Chinese in the application)."""
    from hub.customers.search import reindex
    from hub.customers.search_index import ticket_rows
    from hub.tickets.search import message_row, subject_row

    def put(rows: list[dict[str, Any]]) -> None:
        statement, params = ticket_rows(rows, sqlite)
        if params:
            conn.execute(statement, params)

    last = 0
    while rows := conn.execute(sa.text("SELECT id, subject FROM tickets WHERE id > :last ORDER BY id LIMIT :n"),
                               {"last": last, "n": BATCH}).all():  # fmt: skip
        put([subject_row(i, subject or "") for i, subject in rows])
        last = rows[-1][0]
    last = 0
    query = sa.text(
        "SELECT id, ticket_id, text, direction, meta FROM interactions WHERE id > :last "
        "AND direction IN ('inbound', 'outbound', 'note') ORDER BY id LIMIT :n"
    )
    while rows := conn.execute(query, {"last": last, "n": BATCH}).all():
        put([message_row(i, t, text or "", _coach_for(direction, meta)) for i, t, text, direction, meta in rows])
        last = rows[-1][0]
    last = 0
    while ids := list(conn.execute(sa.text("SELECT id FROM customers WHERE id > :last ORDER BY id LIMIT :n"),
                                   {"last": last, "n": BATCH}).scalars()):  # fmt: skip
        reindex(conn, set(ids))
        last = ids[-1]


def _coach_for(direction: str, meta: Any) -> int | None:
    import json

    values = json.loads(meta) if isinstance(meta, str) else meta or {}
    coach = values.get("coach_for") if direction == "note" else None
    return coach if isinstance(coach, int) else None


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS customer_words")
    op.execute("DROP TABLE IF EXISTS ticket_words")
    for name in ("ix_tickets_assignee_inbox", "ix_tickets_queue_inbox", "ix_tickets_inbox"):
        op.drop_index(name, table_name="tickets")
