"""inbound correctness: what real-world traffic needs stored (anonymous callers, mail notices, chat claims...)

Revision ID: 0011
Revises: 0010
Created: 2026-12-02 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401
from sqlalchemy.dialects import postgresql  # noqa: F401

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
    # --- web chat and routing ---
    # --- customers and tickets ---
    pass


def downgrade() -> None:
    # --- customers and tickets ---
    # --- web chat and routing ---
    # --- email ---
    # --- voice and wechat ---
    with op.batch_alter_table("voice_calls") as batch:
        batch.alter_column("caller", existing_type=sa.String(320), type_=sa.String(32), existing_nullable=False,
                           postgresql_using="left(caller, 32)")  # fmt: skip
    pass
