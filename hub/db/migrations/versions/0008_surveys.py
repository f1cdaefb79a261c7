"""satisfaction surveys

Revision ID: 0008
Revises: 0007
Created: 2026-11-24 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import hub.db.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.Column(
            "skills", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("sent_at", hub.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comment", sa.String(length=2000), nullable=True),
        sa.Column("answered_via", sa.String(length=16), nullable=True),
        sa.Column("answered_at", hub.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    op.create_index("ix_surveys_ticket_id", "surveys", ["ticket_id"])
    op.create_index("ix_surveys_customer_id", "surveys", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_surveys_customer_id", table_name="surveys")
    op.drop_index("ix_surveys_ticket_id", table_name="surveys")
    op.drop_table("surveys")
