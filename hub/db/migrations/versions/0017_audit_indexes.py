"""audit indexes: the audit log read by record and by actor, newest first

Revision ID: 0017
Revises: 0016
Created: 2026-12-03 08:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_target", "audit_log", ["target_kind", "target_id", "id"])
    op.create_index("ix_audit_log_actor", "audit_log", ["actor_kind", "actor_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_actor", table_name="audit_log")
    op.drop_index("ix_audit_log_target", table_name="audit_log")
