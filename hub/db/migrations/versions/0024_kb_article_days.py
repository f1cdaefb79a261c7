"""knowledge suggestions counted per article and day instead of a usage row per suggestion

Revision ID: 0024
Revises: 0023
Created: 2026-12-05 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_article_days",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("suggested", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["kb_articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "day"),
    )
    # The "suggested" rows so far become their counts (by UTC day), then go: five rows per inbound message.
    sqlite = op.get_bind().dialect.name == "sqlite"
    day = "date(created_at)" if sqlite else "(created_at AT TIME ZONE 'UTC')::date"
    op.execute(
        f"INSERT INTO kb_article_days (article_id, day, suggested) SELECT article_id, {day}, count(*) "  # noqa: S608
        f"FROM kb_events WHERE kind = 'suggested' GROUP BY article_id, {day}"  # one of the two constants above
    )
    op.execute("DELETE FROM kb_events WHERE kind = 'suggested'")


def downgrade() -> None:
    # The counts cannot become the rows they were made of again (which ticket, when in the day): they are dropped.
    op.drop_table("kb_article_days")
