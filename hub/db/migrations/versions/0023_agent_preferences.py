"""agent preferences: each agent's own console settings (sound, desktop notifications), kept on the account

Revision ID: 0023
Revises: 0022
Created: 2026-12-04 17:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A server default: existing agents get {} (every setting at its default), and so does an INSERT written for
    # an older schema.
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("preferences", json, server_default="{}", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("preferences")
