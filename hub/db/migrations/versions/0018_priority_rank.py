"""priority rank: a ticket's place in the inbox order as a computed column, and the list indexes over it

Revision ID: 0018
Revises: 0017
Created: 2026-12-03 14:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

RANK = "CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 WHEN 'low' THEN 3 ELSE 4 END"
ORDER = ["status", "priority_rank", "last_message_at", "id"]
OLD = ["status", "priority", "last_message_at", "id"]
NAMES = {"ix_tickets_inbox": [], "ix_tickets_queue_inbox": ["queue_id"], "ix_tickets_assignee_inbox": ["assignee_id"]}


def upgrade() -> None:
    # SQLite adds only virtual generated columns to a table (an index stores their values); PostgreSQL 15
    # only stored ones. Either way the database keeps it right on every write path, bulk ones included.
    kind = "VIRTUAL" if op.get_bind().dialect.name == "sqlite" else "STORED"
    op.execute(f"ALTER TABLE tickets ADD COLUMN priority_rank SMALLINT GENERATED ALWAYS AS ({RANK}) {kind}")
    # Lists read one index range per status in the whole order (hub/tickets/listing.py), instead of one per
    # status and priority: a statement of a few branches, which PostgreSQL plans in a fraction of the time.
    for name, lead in NAMES.items():
        op.drop_index(name, table_name="tickets")
        op.create_index(name, "tickets", [*lead, *ORDER])


def downgrade() -> None:
    for name, lead in NAMES.items():
        op.drop_index(name, table_name="tickets")
        op.create_index(name, "tickets", [*lead, *OLD])
    op.execute("ALTER TABLE tickets DROP COLUMN priority_rank")
