"""The audit log: who did what to which record, written inside the action's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents.accounts import Principal
from hub.db.models import AuditEntry


def record(
    session: AsyncSession,
    actor: Principal | None,
    action: str,
    target_kind: str,
    target_id: int | None,
    **details: Any,
) -> None:
    session.add(
        AuditEntry(
            actor_kind=actor.kind if actor else "system",
            actor_id=actor.id if actor else None,
            action=action,
            target_kind=target_kind,
            target_id=target_id,
            details=details,
        )
    )
