"""access: sign-in attempts counted in the database, credentials that can be taken back, retry ages

Revision ID: 0012
Revises: 0011
Created: 2026-12-02 20:15:00
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401
from sqlalchemy.dialects import postgresql  # noqa: F401

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # --- sign-in ---
    # --- credentials ---
    # --- delivery and logs ---
    pass


def downgrade() -> None:
    # --- delivery and logs ---
    # --- credentials ---
    # --- sign-in ---
    pass
