"""The fairness rule: among agents eligible for a ticket, who goes first. Pure; decide() applies it.

Skill fit decides who is eligible (every required skill at its level); among the eligible, work is
spread: first the agent with the smallest share of their capacity in use right now (the sum over
channels of open tickets / capacity, so an idle agent is 0 and one at 2 of 3 chats is 0.67), then
the agent idle longest (idle since = when routing last gave them work or saw them finish some), then
the better skill fit, then the lower id. Skill fit can be weighted in: each level an agent holds above
a required level counts as `skill_seconds` of extra idle time, for at most `skill_levels` levels per
skill. The weight moves agents only within the same load share, so it can never pile work on a busy
agent while a less loaded peer waits, and a stronger agent is preferred only until a weaker one has been
idle that much longer. The [fairness] table of routing.toml sets both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hub.routing.model import AgentProfile, AgentState

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Fairness:
    skill_seconds: float = 0.0  # idle-time credit per level above a required level
    skill_levels: int = 2  # at most this many levels per skill earn credit

    @classmethod
    def parse(cls, raw: Any, source: str) -> Fairness:
        if raw is None:
            return cls()
        if not isinstance(raw, dict) or set(raw) - {"skill_seconds", "skill_levels"}:
            raise ValueError(f"{source}: [fairness] takes skill_seconds and skill_levels")
        seconds, levels = raw.get("skill_seconds", 0), raw.get("skill_levels", 2)
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= 86400:
            raise ValueError(f"{source}: fairness.skill_seconds: seconds from 0 to 86400")
        if isinstance(levels, bool) or not isinstance(levels, int) or not 0 <= levels <= 5:
            raise ValueError(f"{source}: fairness.skill_levels: a whole number from 0 to 5")
        return cls(float(seconds), levels)


DEFAULT_FAIRNESS = Fairness()


def load_share(agent: AgentProfile, state: AgentState, default_capacity: Mapping[str, int]) -> float:
    """Open tickets as a share of capacity, summed over channels (a ticket on a channel without capacity counts 1)."""
    share = 0.0
    for channel, n in state.load.items():
        if n:
            share += n / (agent.capacity.get(channel) or default_capacity.get(channel) or 1)
    return share


def fit(agent: AgentProfile, skills: Mapping[str, int]) -> int:
    """Skill fit: the agent's levels in the required skills, summed."""
    return sum(agent.skills.get(s, 0) for s in skills)


def rank_key(
    agent: AgentProfile,
    state: AgentState,
    skills: Mapping[str, int],
    default_capacity: Mapping[str, int],
    fairness: Fairness = DEFAULT_FAIRNESS,
) -> tuple[float, datetime, int, int]:
    """Smaller goes first: load share, then idle since (less the skill credit), then -fit, then id."""
    idle = state.idle_since or EPOCH
    if fairness.skill_seconds:
        surplus = sum(min(fairness.skill_levels, max(0, agent.skills.get(s, 0) - lvl)) for s, lvl in skills.items())
        idle -= timedelta(seconds=fairness.skill_seconds * surplus)
    share, fit_ = 0.0, 0
    for channel, n in state.load.items():  # load_share() and fit(), inlined: this runs for every eligible agent
        if n:
            share += n / (agent.capacity.get(channel) or default_capacity.get(channel) or 1)
    for s in skills:
        fit_ += agent.skills.get(s, 0)
    return (share, idle, -fit_, agent.id)
