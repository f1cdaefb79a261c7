"""The simulated floor: contacts, and agents with the live roster's presence, load and idle-since.

An agent is available, in wrap-up (after-contact work: offered nothing, as presence.wrap_up does live)
or away (after a missed offer, as [presence] away_after_missed_offer does live). Only available agents
are in the roster decide() sees, with every open or offered contact in their load, so an agent at full
capacity is present and makes a desk staffed exactly as live. Occupancy is measured over staffed time
only (the day, less time away): wrap-up counts as fully occupied, otherwise the load share (fairness.py)
capped at 1, so a chat agent with one of three chats open is a third occupied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hub.routing.fairness import load_share
from hub.routing.model import AgentProfile, AgentState, RouteRequest

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
AVAILABLE, WRAP_UP, AWAY = "available", "wrap-up", "away"


def at(seconds: float) -> datetime:
    """Simulated seconds as the datetimes decide() and urgency() take."""
    return EPOCH + timedelta(seconds=seconds)


@dataclass(slots=True)
class Contact:
    id: int
    t: float
    channel: str
    tier: str
    skills: dict[str, int]  # what routing sees
    language: str | None
    handle_s: float
    patience_s: float | None
    needs: dict[str, int] | None = None  # what the contact really needs; None: the same as skills
    answered_at: float | None = None  # first answer
    agent: int | None = None  # current (offered or working) agent
    abandoned: bool = False
    waiting_since: float = 0.0
    excluded: dict[int, float] = field(default_factory=dict)  # agent -> passed over until
    transfers: int = 0
    transfer_waits: list[float] = field(default_factory=list)
    best_skilled: bool | None = None  # answered by the best-fitting eligible agent (None: no skill needed)

    def request(self, now: float) -> RouteRequest:
        exclude = frozenset(a for a, until in self.excluded.items() if until > now)
        return RouteRequest(
            self.id, self.channel, self.tier, self.skills, self.language, waited_s=now - self.waiting_since,
            exclude=exclude,
        )  # fmt: skip


@dataclass(slots=True)
class Agent:
    profile: AgentProfile
    status: str = AVAILABLE
    load: dict[str, int] = field(default_factory=dict)
    idle_since: float = 0.0
    counted_to: float = 0.0
    busy_s: float = 0.0
    staffed_s: float = 0.0
    contacts: int = 0


class Floor:
    def __init__(self, roster: list[AgentProfile], capacity: dict[str, int], day_s: float) -> None:
        self.capacity = capacity
        self.day_s = day_s
        self.agents = {p.id: Agent(p) for p in roster}
        self._entries: dict[int, tuple[AgentProfile, AgentState]] = {}
        for a in self.agents.values():
            self._refresh(a)

    def roster(self) -> list[tuple[AgentProfile, AgentState]]:
        """Available agents with their loads, as the live roster cache hands them to decide()."""
        return list(self._entries.values())

    def state(self, agent_id: int) -> AgentState:
        a = self.agents[agent_id]
        return AgentState(a.status == AVAILABLE, dict(a.load), at(a.idle_since))

    def room(self, agent_id: int, channel: str) -> bool:
        a = self.agents[agent_id]
        cap = a.profile.capacity.get(channel, self.capacity.get(channel, 1))
        return a.status == AVAILABLE and a.load.get(channel, 0) < cap

    def change(self, agent_id: int, now: float, channel: str = "", delta: int = 0, status: str = "") -> None:
        """Count occupancy up to now, then apply a load change and/or a new status."""
        a = self.agents[agent_id]
        self._count(a, now)
        if delta:
            a.load[channel] = a.load.get(channel, 0) + delta
            a.idle_since = now  # given work or finished some: the fairness rule's idle clock restarts
            a.contacts += delta > 0
        if status:
            a.status = status
        self._refresh(a)

    def close(self, now: float) -> None:
        for a in self.agents.values():
            self._count(a, now)

    def _count(self, a: Agent, now: float) -> None:
        start, end = min(a.counted_to, self.day_s), min(now, self.day_s)
        if end > start and a.status != AWAY:
            share = (
                1.0 if a.status == WRAP_UP else min(1.0, load_share(a.profile, self.state(a.profile.id), self.capacity))
            )
            a.staffed_s += end - start
            a.busy_s += (end - start) * share
        a.counted_to = now

    def _refresh(self, a: Agent) -> None:
        if a.status == AVAILABLE:
            self._entries[a.profile.id] = (a.profile, self.state(a.profile.id))
        else:
            self._entries.pop(a.profile.id, None)
