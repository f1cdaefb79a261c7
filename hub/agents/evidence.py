"""Yellow-pages evidence: each solved ticket credits its agent for the skills it needed, in the same commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import AgentEvidence, Ticket
from hub.db.upserts import insert_for


async def credit_resolution(s: AsyncSession, ticket: Ticket, now: datetime) -> None:
    skills = (ticket.requirements or {}).get("skills") or {}
    if ticket.assignee_id is None or not skills:
        return
    seconds = max(0, int((now - ticket.created_at).total_seconds()))
    insert = insert_for(s.get_bind().dialect.name != "postgresql")
    for skill in sorted(skills):  # sorted: concurrent solves lock the rows in one order
        stmt = insert(AgentEvidence).values(
            agent_id=ticket.assignee_id, skill=skill, resolved=1, resolve_seconds=seconds
        )
        # An upsert, because two solves for one agent and skill may commit at once.
        await s.execute(
            stmt.on_conflict_do_update(
                index_elements=["agent_id", "skill"],
                set_={
                    "resolved": AgentEvidence.resolved + 1,
                    "resolve_seconds": AgentEvidence.resolve_seconds + seconds,
                },
            )
        )


async def evidence_for(s: AsyncSession, agent_ids: list[int]) -> dict[int, dict[str, dict[str, float]]]:
    """agent -> skill -> {resolved, avg_resolve_minutes} for a page of yellow-pages entries."""
    found: dict[int, dict[str, dict[str, float]]] = {}
    if not agent_ids:
        return found
    for row in await s.scalars(select(AgentEvidence).where(AgentEvidence.agent_id.in_(agent_ids))):
        found.setdefault(row.agent_id, {})[row.skill] = {
            "resolved": row.resolved,
            "avg_resolve_minutes": round(row.resolve_seconds / 60 / max(1, row.resolved), 1),
        }
    return found
