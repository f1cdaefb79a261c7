"""Who can take work right now: available agents' yellow-pages entries with their live load."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.clock import utcnow
from hub.db.models import Agent, AgentSkill, Queue, QueueMember, Ticket
from hub.routing.model import AgentProfile, AgentState
from hub.tickets.model import ACTIVE

ROUTABLE_ROLES = ("agent", "supervisor")
VOICE = "voice.twilio"
Roster = list[tuple[AgentProfile, AgentState]]


async def load_roster(s: AsyncSession, available: Iterable[int]) -> Roster:
    """Available agents only: the roster is as large as who is working, never the whole directory."""
    online = list(available)
    if not online:
        return []
    # Columns, not ORM objects: every few seconds this reads everyone who is working (2,000 at a large centre).
    agents = (
        await s.execute(
            select(Agent.id, Agent.display_name, Agent.languages, Agent.capacity, Agent.voice_endpoint, Agent.tiers,
                   Agent.topics, Agent.email, Agent.own_limits)
            .where(Agent.id.in_(online), Agent.active, Agent.role.in_(ROUTABLE_ROLES))
        )
    ).all()  # fmt: skip
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
                _capacity(a.capacity, a.voice_endpoint, a.own_limits),
                frozenset(a.tiers or ()),
                tuple(a.topics or ()),
                a.email.lower(),
                frozenset(queues.get(a.id, ())),
            ),
            AgentState(True, loads.get(a.id, {})),
        )
        for a in agents
    ]


def _capacity(
    allowed: dict[str, Any] | None, voice_endpoint: str | None, own_limits: dict[str, Any] | None = None
) -> dict[str, int]:
    capacity = {k: int(v) for k, v in (allowed or {}).items()}
    for channel, limit in (own_limits or {}).items():
        # The agent's own limit only ever lowers (the API checks it against what was allowed when set).
        capacity[channel] = min(int(limit), capacity.get(channel, int(limit)))
    if not voice_endpoint:
        capacity[VOICE] = 0  # a call needs somewhere to ring
    return capacity


def count_one_more(roster: Roster, agent_id: int, channel: str) -> None:
    for i, (profile, state) in enumerate(roster):
        if profile.id == agent_id:
            roster[i] = (profile, replace(state, load={**state.load, channel: state.load.get(channel, 0) + 1}))


def _langs(languages: list[Any]) -> list[str]:
    """Yellow-pages languages ("zh-CN", "yue") reduced to what requirements name ("zh", "yue")."""
    return [str(x).split("-")[0].lower() for x in languages or ()]


class RosterCache:
    """The routing roster kept in memory, so a decision costs O(available agents) in Python, not a reload.

    Profiles and loads are read once per agent and then kept current from this process's own
    assignments and events; every `ttl_s` everything is read again, which also picks up profile edits
    and other processes' work. Staleness is safe: the commit recounts the chosen agent's load under
    their row lock, and a refusal corrects the cache. Idle since (for the fairness rule) is when this
    process last gave the agent work or saw them finish some, or first saw them at work; it outlives the
    rereads, as nothing in the database keeps it.
    """

    def __init__(self, ttl_s: float = 5.0) -> None:
        self._ttl = ttl_s
        self._profiles: dict[int, AgentProfile] = {}
        self._loads: dict[int, dict[str, int]] = {}
        self._idle: dict[int, datetime] = {}
        self._unroutable: set[int] = set()
        self._loaded_at = -1e18

    async def roster(self, s: AsyncSession, available: list[int]) -> Roster:
        now = time.monotonic()
        if now - self._loaded_at > self._ttl:
            self.forget()
            self._loaded_at = now
        missing = [a for a in available if a not in self._profiles and a not in self._unroutable]
        if missing:
            found = await load_roster(s, missing)
            for profile, state in found:
                self._profiles[profile.id] = profile
                self._loads[profile.id] = dict(state.load)
                self._idle.setdefault(profile.id, utcnow())
            self._unroutable.update(set(missing) - {p.id for p, _ in found})
        return [
            (self._profiles[a], AgentState(True, dict(self._loads.get(a, {})), self._idle.get(a)))
            for a in available
            if a in self._profiles
        ]

    def took(self, agent_id: int, channel: str) -> None:
        self._idle[agent_id] = utcnow()
        if agent_id in self._loads:
            self._loads[agent_id][channel] = self._loads[agent_id].get(channel, 0) + 1

    def released(self, agent_id: int, channel: str) -> None:
        self._idle[agent_id] = utcnow()
        if agent_id in self._loads:
            self._loads[agent_id][channel] = max(0, self._loads[agent_id].get(channel, 0) - 1)

    def set_load(self, agent_id: int, channel: str, n: int) -> None:
        if agent_id in self._loads:
            self._loads[agent_id][channel] = n

    def forget(self, agent_id: int | None = None) -> None:
        """Read again on next use: one agent (back online, profile edited) or everyone."""
        if agent_id is None:
            self._profiles.clear()
            self._loads.clear()
            self._unroutable.clear()
        else:
            self._profiles.pop(agent_id, None)
            self._loads.pop(agent_id, None)
            self._unroutable.discard(agent_id)
