"""inbound correctness: what real-world traffic needs stored (anonymous callers, mail notices, chat claims...)

Revision ID: 0011
Revises: 0010
Created: 2026-12-02 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import hub.db.types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # --- voice and wechat ---
    # Caller ids are more than numbers: client:<identity> and sip: URIs are longer than 32 characters.
    with op.batch_alter_table("voice_calls") as batch:
        batch.alter_column("caller", existing_type=sa.String(32), type_=sa.String(320), existing_nullable=False)
    # --- email ---
    # Delivery reports about no mail of ours and automatic replies to nothing: kept, but on no ticket.
    op.create_table(
        "mail_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("mailbox", sa.String(length=64), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column(
            "meta", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("received_at", hub.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
    )
    op.create_index("ix_mail_notices_received_at", "mail_notices", ["received_at"])
    # --- web chat and routing ---
    # --- customers and tickets ---
    pass


def downgrade() -> None:
    # --- customers and tickets ---
    # --- web chat and routing ---
    # --- email ---
    op.drop_index("ix_mail_notices_received_at", table_name="mail_notices")
    op.drop_table("mail_notices")
    # --- voice and wechat ---
    with op.batch_alter_table("voice_calls") as batch:
        batch.alter_column("caller", existing_type=sa.String(320), type_=sa.String(32), existing_nullable=False,
                           postgresql_using="left(caller, 32)")  # fmt: skip
    pass
