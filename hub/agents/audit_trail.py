"""Reading the audit log: entries by record, actor, action and time, newest first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Agent, ApiToken, AuditEntry

ACTOR_KINDS = ("agent", "token", "system")


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """What to read; None is any. `action` ending in "*" is a prefix (ticket.* is every ticket action)."""

    entity: str | None = None
    entity_id: int | None = None
    actor_kind: str | None = None
    actor_id: int | None = None
    action: str | None = None
    since: datetime | None = None  # at or after
    until: datetime | None = None  # before
    before: int | None = None  # the page after the entry with this id
    limit: int = 50

    def conditions(self) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if self.entity is not None:
            where.append(AuditEntry.target_kind == self.entity)
        if self.entity_id is not None:
            where.append(AuditEntry.target_id == self.entity_id)
        if self.actor_kind is not None:
            where.append(AuditEntry.actor_kind == self.actor_kind)
        if self.actor_id is not None:
            where.append(AuditEntry.actor_id == self.actor_id)
        if self.action is not None and self.action.endswith("*"):
            where.append(AuditEntry.action.startswith(self.action[:-1], autoescape=True))
        elif self.action is not None:
            where.append(AuditEntry.action == self.action)
        if self.since is not None:
            where.append(AuditEntry.at >= self.since)
        if self.until is not None:
            where.append(AuditEntry.at < self.until)
        if self.before is not None:
            where.append(AuditEntry.id < self.before)
        return where


async def read_trail(s: AsyncSession, query: AuditQuery) -> tuple[list[dict[str, Any]], int | None]:
    """(entries newest first, the id to pass as `before` for the next page or None). Ids follow the order
    entries were written, so a page boundary never skips or repeats one."""
    stmt = select(AuditEntry).where(*query.conditions()).order_by(AuditEntry.id.desc()).limit(query.limit + 1)
    rows = list(await s.scalars(stmt))
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    names = await _actor_names(s, rows)
    entries = [_entry(row, names.get((row.actor_kind, row.actor_id))) for row in rows]
    return entries, rows[-1].id if more else None


async def _actor_names(s: AsyncSession, rows: list[AuditEntry]) -> dict[tuple[str, int | None], str]:
    """Who each actor is, by name (one query per kind on the page)."""
    wanted: dict[str, set[int]] = {"agent": set(), "token": set()}
    for row in rows:
        if row.actor_kind in wanted and row.actor_id is not None:
            wanted[row.actor_kind].add(row.actor_id)
    names: dict[tuple[str, int | None], str] = {}
    if wanted["agent"]:
        found = await s.execute(select(Agent.id, Agent.display_name).where(Agent.id.in_(wanted["agent"])))
        names.update((("agent", i), n) for i, n in found)
    if wanted["token"]:
        found = await s.execute(select(ApiToken.id, ApiToken.name).where(ApiToken.id.in_(wanted["token"])))
        names.update((("token", i), n) for i, n in found)
    return names


def _entry(row: AuditEntry, name: str | None) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "actor": {"kind": row.actor_kind, "id": row.actor_id, "name": name},
        "action": row.action,
        "entity": row.target_kind,
        "entity_id": row.target_id,
        "details": row.details or {},
    }
