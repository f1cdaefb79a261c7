"""access: sign-in attempts counted in the database, credentials that can be taken back, retry ages

Revision ID: 0012
Revises: 0011
Created: 2026-12-02 20:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

import hub.db.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # --- sign-in ---
    from hub.db.types import UTCDateTime

    # Failed sign-ins per account and per address, counted by one conditional upsert shared by all processes.
    op.create_table(
        "signin_counters",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.Float(), nullable=False),
        sa.Column("next_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "agent_second_factors",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("last_step", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("agent_id"),
    )
    op.create_table(
        "agent_recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_agent_recovery_codes_agent_id", "agent_recovery_codes", ["agent_id"])
    op.create_table(
        "signin_challenges",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=True),
        sa.Column("next_path", sa.String(length=2000), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_signin_challenges_agent_id", "signin_challenges", ["agent_id"])
    # --- credentials ---
    # An API token may be given an end date (hub token create --expires 90d); past it the token is refused.
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", UTCDateTime(timezone=True), nullable=True))
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
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
    # --- sign-in ---
    op.drop_index("ix_signin_challenges_agent_id", table_name="signin_challenges")
    op.drop_table("signin_challenges")
    op.drop_index("ix_agent_recovery_codes_agent_id", table_name="agent_recovery_codes")
    op.drop_table("agent_recovery_codes")
    op.drop_table("agent_second_factors")
    op.drop_table("signin_counters")
    pass
