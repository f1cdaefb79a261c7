"""customer merges and duplicate keys

Revision ID: 0007
Revises: 0006
Created: 2026-11-24 03:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import hub.db.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_customers_merged_into_id", "customers", ["merged_into_id"], ["id"])
        batch.create_index("ix_customers_merged_into_id", ["merged_into_id"])
    op.create_table(
        "customer_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("moved", JSON, nullable=False),
        sa.Column("source_before", JSON, nullable=False),
        sa.Column("target_before", JSON, nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", hub.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("undone_at", hub.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["customers.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["target_id"], ["customers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_customer_merges_source_id", "customer_merges", ["source_id"])
    op.create_index("ix_customer_merges_target_id", "customer_merges", ["target_id"])
    op.create_table(
        "customer_keys",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("customer_id", "key"),
    )
    op.create_index("ix_customer_keys_key", "customer_keys", ["key"])


def downgrade() -> None:
    op.drop_index("ix_customer_keys_key", table_name="customer_keys")
    op.drop_table("customer_keys")
    op.drop_index("ix_customer_merges_target_id", table_name="customer_merges")
    op.drop_index("ix_customer_merges_source_id", table_name="customer_merges")
    op.drop_table("customer_merges")
    with op.batch_alter_table("customers") as batch:
        batch.drop_index("ix_customers_merged_into_id")
        batch.drop_constraint("fk_customers_merged_into_id", type_="foreignkey")
        batch.drop_column("merged_into_id")
