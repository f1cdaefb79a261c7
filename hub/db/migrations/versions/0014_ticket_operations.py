"""ticket operations: merged tickets point to their target, pending tickets carry a reminder, tickets link

Revision ID: 0014
Revises: 0013
Created: 2026-12-03 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # A plain ADD COLUMN: a batch rebuild would drop the tickets table, and with foreign keys on that
        # deletes every message through the cascades.
        op.execute("ALTER TABLE tickets ADD COLUMN merged_into_id INTEGER REFERENCES tickets (id)")
    else:
        op.add_column("tickets", sa.Column("merged_into_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_tickets_merged_into_id", "tickets", "tickets", ["merged_into_id"], ["id"])
    op.add_column("tickets", sa.Column("remind_at", hub.db.types.UTCDateTime(timezone=True), nullable=True))
    op.create_index("ix_tickets_merged_into_id", "tickets", ["merged_into_id"])
    # The reminder waker reads the due range of this index only (hub/tickets/snooze.py).
    op.create_index("ix_tickets_remind_at", "tickets", ["remind_at"])
    op.create_table(
        "ticket_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_id", sa.Integer(), nullable=False),
        sa.Column("to_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", hub.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["from_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["to_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("from_id", "to_id", name="uq_ticket_links_pair"),
    )
    op.create_index("ix_ticket_links_to_id", "ticket_links", ["to_id"])


def downgrade() -> None:
    op.drop_index("ix_ticket_links_to_id", table_name="ticket_links")
    op.drop_table("ticket_links")
    op.drop_index("ix_tickets_remind_at", table_name="tickets")
    op.drop_index("ix_tickets_merged_into_id", table_name="tickets")
    op.drop_column("tickets", "remind_at")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops no column named in a foreign key: the table is rebuilt (as earlier revisions do).
        with op.batch_alter_table("tickets") as batch:
            batch.drop_column("merged_into_id")
    else:
        op.drop_constraint("fk_tickets_merged_into_id", "tickets", type_="foreignkey")
        op.drop_column("tickets", "merged_into_id")
