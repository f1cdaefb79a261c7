"""recent ticket lists: solved and closed work newest first, everyone's and an agent's own, as index ranges

Revision ID: 0021
Revises: 0020
Created: 2026-12-03 18:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # hub/tickets/listing.py, order "recent": each status's branch reads one of these backwards from the cursor.
    op.create_index("ix_tickets_recent", "tickets", ["status", "last_message_at", "id"])
    op.create_index("ix_tickets_assignee_recent", "tickets", ["assignee_id", "status", "last_message_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_tickets_assignee_recent", table_name="tickets")
    op.drop_index("ix_tickets_recent", table_name="tickets")
