"""agent presence since: when an agent entered their current status, for the wallboard's time in state

Revision ID: 0020
Revises: 0019
Created: 2026-12-03 15:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("agents", sa.Column("presence_since", hub.db.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("agents", "presence_since")
