"""SLA calendars and queue administration: a queue's calendar and auto-assignment, paused and breached SLA clocks

Revision ID: 0016
Revises: 0015
Created: 2026-12-03 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (no batch rebuild on SQLite: that would drop tables other rows cascade from).
    op.add_column("queues", sa.Column("calendar", sa.String(length=64), nullable=True))
    op.add_column("queues", sa.Column("auto_assign", sa.Boolean(), nullable=False, server_default=sa.true()))
    # Queues so far all came from the configuration.
    op.add_column("queues", sa.Column("configured", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("tickets", sa.Column("sla_paused_at", hub.db.types.UTCDateTime(timezone=True), nullable=True))
    op.add_column("tickets", sa.Column("sla_breached_at", hub.db.types.UTCDateTime(timezone=True), nullable=True))
    op.create_index("ix_tickets_sla_breached_at", "tickets", ["sla_breached_at"])


def downgrade() -> None:
    op.drop_index("ix_tickets_sla_breached_at", table_name="tickets")
    for column in ("sla_breached_at", "sla_paused_at"):
        op.drop_column("tickets", column)
    for column in ("configured", "auto_assign", "calendar"):
        op.drop_column("queues", column)
