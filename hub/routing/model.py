"""What routing decides over: agents from the yellow pages with their live state, and one ticket's needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class AgentProfile:
    """One entry of the yellow pages."""

    id: int
    name: str
    skills: Mapping[str, int]  # skill -> level 1-5
    languages: frozenset[str]
    capacity: Mapping[str, int]  # channel -> concurrent tickets
    tiers: frozenset[str] = frozenset()  # empty: may serve every tier
    topics: tuple[str, ...] = ()
    email: str = ""
    queues: frozenset[str] = frozenset()  # queues the agent is a member of (policy steps may name one)


@dataclass(frozen=True, slots=True)
class AgentState:
    available: bool
    load: Mapping[str, int] = field(default_factory=dict)  # channel -> open tickets assigned
    idle_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class RouteRequest:
    ticket_id: int
    channel: str
    tier: str
    skills: Mapping[str, int] = field(default_factory=dict)  # skill -> minimum level
    language: str | None = None
    last_agent_id: int | None = None  # continuity: the customer's previous agent
    hold_for_last_s: float = 0  # wait this much longer for the previous agent when they cannot take it now
    queue: str = ""
    waited_s: float = 0  # since the ticket started waiting: moves it through a policy's steps
    exclude: frozenset[int] = frozenset()  # agents who declined or missed the offer of this ticket


@dataclass(frozen=True, slots=True)
class Decision:
    agent_id: int | None
    reasons: tuple[str, ...]
    ranked: tuple[int, ...] = ()  # eligible agents, best first
