"""Who can take work right now: available agents' yellow-pages entries with their live load."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Agent, AgentSkill, Queue, QueueMember, Ticket
from hub.routing.model import AgentProfile, AgentState
from hub.tickets import ACTIVE

ROUTABLE_ROLES = ("agent", "supervisor")
Roster = list[tuple[AgentProfile, AgentState]]


async def load_roster(s: AsyncSession, available: Iterable[int]) -> Roster:
    """Available agents only: the roster is as large as who is working, never the whole directory."""
    online = list(available)
    if not online:
        return []
    agents = list(
        await s.scalars(select(Agent).where(Agent.id.in_(online), Agent.active, Agent.role.in_(ROUTABLE_ROLES)))
    )
    skills: dict[int, dict[str, int]] = {}
    for row in await s.scalars(select(AgentSkill).where(AgentSkill.agent_id.in_(online))):
        skills.setdefault(row.agent_id, {})[row.skill] = row.level
    queues: dict[int, set[str]] = {}
    for member_id, name in (
        await s.execute(
            select(QueueMember.agent_id, Queue.name)
            .join(Queue, Queue.id == QueueMember.queue_id)
            .where(QueueMember.agent_id.in_(online))
        )
    ).all():
        queues.setdefault(member_id, set()).add(name)
    loads: dict[int, dict[str, int]] = {}
    for agent_id, ch, n in (
        await s.execute(
            select(Ticket.assignee_id, Ticket.channel, func.count())
            .where(Ticket.assignee_id.in_(online), Ticket.status.in_(ACTIVE))
            .group_by(Ticket.assignee_id, Ticket.channel)
        )
    ).all():
        if agent_id is not None:  # the filter guarantees it; the column type does not
            loads.setdefault(agent_id, {})[ch] = n
    return [
        (
            AgentProfile(
                a.id,
                a.display_name,
                skills.get(a.id, {}),
                frozenset(_langs(a.languages)),
                {k: int(v) for k, v in (a.capacity or {}).items()},
                frozenset(a.tiers or ()),
                tuple(a.topics or ()),
                a.email.lower(),
                frozenset(queues.get(a.id, ())),
            ),
            AgentState(True, loads.get(a.id, {}), a.last_seen_at),
        )
        for a in agents
    ]


def count_one_more(roster: Roster, agent_id: int, channel: str) -> None:
    for i, (profile, state) in enumerate(roster):
        if profile.id == agent_id:
            roster[i] = (profile, replace(state, load={**state.load, channel: state.load.get(channel, 0) + 1}))


def _langs(languages: list[Any]) -> list[str]:
    """Yellow-pages languages ("zh-CN", "yue") reduced to what requirements name ("zh", "yue")."""
    return [str(x).split("-")[0].lower() for x in languages or ()]
