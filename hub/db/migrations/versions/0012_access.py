"""access: sign-in attempts counted in the database, credentials that can be taken back, retry ages

Revision ID: 0012
Revises: 0011
Created: 2026-12-02 20:15:00
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401
from sqlalchemy.dialects import postgresql  # noqa: F401

import hub.db.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # --- sign-in ---
    # --- credentials ---
    # --- delivery and logs ---
    # When the outbox tries a failed reply next (shown to agents), and when an agent last re-queued it
    # (its maximum retry age counts from then, not from when it was first written).
    with op.batch_alter_table("interactions") as batch:
        batch.add_column(sa.Column("delivery_next_attempt_at", hub.db.types.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("requeued_at", hub.db.types.UTCDateTime(timezone=True), nullable=True))
    pass


def downgrade() -> None:
    # --- delivery and logs ---
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("requeued_at")
    with op.batch_alter_table("interactions") as batch:
        batch.drop_column("delivery_next_attempt_at")
    # --- credentials ---
    # --- sign-in ---
    pass
