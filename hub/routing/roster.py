"""Who can take work right now: available agents' yellow-pages entries with their live load, kept in memory."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.clock import utcnow
from hub.db.models import Agent, AgentSkill, Queue, QueueMember, Ticket
from hub.events import TicketUpdated
from hub.routing.index import RosterIndex, with_load
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


def _langs(languages: list[Any]) -> list[str]:
    """Yellow-pages languages ("zh-CN", "yue") reduced to what requirements name ("zh", "yue")."""
    return [str(x).split("-")[0].lower() for x in languages or ()]


class RosterCache:
    """The routing roster kept in memory and indexed (index.py), so a decision reads no database at all.

    Profiles and loads are read once per agent, then kept current by the events that change them: this
    process's assignments (took), work finished (released), an agent back at work or a ticket moved by a
    person (that agent read again), and a refused commit (the agent's load recounted). What no event
    here reports (other processes' work, profile edits) is caught by `resync`, which the engine runs from
    its tick, off the decision path. Staleness is safe: the commit checks capacity in SQL. Idle since (for
    the fairness rule) is when this process last gave the agent work or saw them finish some, or first saw
    them at work; it outlives the resyncs, as nothing in the database keeps it.
    """

    def __init__(self, default_capacity: dict[str, int], resync_s: float = 5.0) -> None:
        self._resync_s = resync_s
        self.index = RosterIndex(default_capacity)
        self._profiles: dict[int, AgentProfile] = {}
        self._loads: dict[int, dict[str, int]] = {}
        self._idle: dict[int, datetime] = {}
        self._unroutable: set[int] = set()
        self._synced_at = time.monotonic()

    def configure(self, default_capacity: dict[str, int]) -> None:
        """A new routing policy: the index is rebuilt for its default capacity on next use."""
        if default_capacity != self.index.default_capacity:
            self.index = RosterIndex(default_capacity)

    async def roster(self, s: AsyncSession, available: list[int]) -> RosterIndex:
        """The index holding exactly the available agents who may be routed to."""
        missing = [a for a in available if a not in self._profiles and a not in self._unroutable]
        if missing:
            await self._read(s, missing)
        index, present = self.index, set(available)
        for gone in index.ids() - present:
            index.remove(gone)
        for a in present - index.ids():
            if a in self._profiles:
                index.put(self._profiles[a], self._state(a))
        return index

    def resync_due(self) -> bool:
        return time.monotonic() - self._synced_at >= self._resync_s

    async def resync(self, s: AsyncSession, available: list[int]) -> None:
        """Read every available agent again (profiles and loads): other processes' work, profile edits."""
        self._synced_at = time.monotonic()
        self._unroutable.clear()
        present = set(available)
        self._profiles = {a: p for a, p in self._profiles.items() if a in present}
        await self._read(s, available)

    async def _read(self, s: AsyncSession, agent_ids: list[int]) -> None:
        found = await load_roster(s, agent_ids)
        for profile, state in found:
            self._profiles[profile.id] = profile
            self._loads[profile.id] = dict(state.load)
            self._idle.setdefault(profile.id, utcnow())
            if profile.id in self.index:
                self.index.put(profile, self._state(profile.id))
        seen = {p.id for p, _ in found}
        self._unroutable.update(set(agent_ids) - seen)
        for a in set(agent_ids) - seen:
            self.index.remove(a)

    def _state(self, agent_id: int) -> AgentState:
        return AgentState(True, dict(self._loads.get(agent_id, {})), self._idle.get(agent_id))

    def load(self, agent_id: int, channel: str) -> int:
        return self._loads.get(agent_id, {}).get(channel, 0)

    def took(self, agent_id: int, channel: str) -> None:
        self._idle[agent_id] = utcnow()
        if agent_id in self._loads:
            self.set_load(agent_id, channel, self._loads[agent_id].get(channel, 0) + 1)

    def released(self, agent_id: int, channel: str) -> None:
        self._idle[agent_id] = utcnow()
        if agent_id in self._loads:
            self.set_load(agent_id, channel, max(0, self._loads[agent_id].get(channel, 0) - 1))

    def set_load(self, agent_id: int, channel: str, n: int) -> None:
        if agent_id in self._loads:
            self._loads[agent_id][channel] = n
            with_load(self.index, agent_id, channel, n, self._idle.get(agent_id))

    def forget(self, agent_id: int | None = None) -> None:
        """Read again: one agent on next use (back online, a ticket of theirs moved), or everyone at the next tick."""
        if agent_id is None:
            self._synced_at = -1e18
        else:
            self._profiles.pop(agent_id, None)
            self._loads.pop(agent_id, None)
            self._unroutable.discard(agent_id)
            self.index.remove(agent_id)

    def follow(self, event: TicketUpdated) -> None:
        """Keep loads current from a ticket change this process heard of (its own assignments are counted
        when made)."""
        ticket = event.ticket
        if "assignee_id" in event.changes and ticket.assignment.get("by") == "routing" and ticket.assignee_id:
            return  # our own assignment: counted when it was made
        if "assignee_id" in event.changes:
            # Moved by a person, or an offer taken back: the agents on both sides are read again.
            for agent_id in (ticket.assignee_id, event.before[1] if event.before else None):
                if agent_id is not None:
                    self.forget(agent_id)
            if event.before is None:
                self.forget()  # the previous owner is not in the event: everyone, at the next tick
        elif "status" in event.changes and ticket.assignee_id is not None:
            if ticket.status in ACTIVE:
                self.forget(ticket.assignee_id)  # reopened: recount this agent
            else:
                self.released(ticket.assignee_id, ticket.channel)
