"""knowledge suggestions per day indexed by day: the knowledge list sums the last 30 days of every article

Revision ID: 0025
Revises: 0024
Created: 2026-12-05 11:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_kb_article_days_day", "kb_article_days", ["day", "article_id"])


def downgrade() -> None:
    op.drop_index("ix_kb_article_days_day", table_name="kb_article_days")
