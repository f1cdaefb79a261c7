"""The live roster indexed for decide(): sets by channel room, skill level, language, tier and queue. Pure.

decide() over a plain list checks every agent in Python; at a large centre that is most of a decision's
time. Here each fact an eligibility rule reads is a set kept current as loads change, so who is excluded
and why is a handful of set differences (done in C), and the ranking walks agents kept in fairness order
(load share, then idle since, then id) instead of keying and sorting every eligible agent each time.
The results are exactly decide()'s on the same roster (tests/routing/test_routing_index.py checks it).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from hub.routing.fairness import EPOCH, Fairness, load_share, rank_key
from hub.routing.model import AgentProfile, AgentState, RouteRequest
from hub.routing.policy import Step

Key = tuple[float, datetime, int]  # load share, idle since, id: the fairness order before skill fit
Pair = tuple[AgentProfile, AgentState]


class RosterIndex:
    """Agents who may take work, with their states, indexed by what eligibility and ranking read."""

    def __init__(self, default_capacity: Mapping[str, int]) -> None:
        self.default_capacity = dict(default_capacity)
        self._agents: dict[int, Pair] = {}
        self._keys: dict[int, Key] = {}
        self._order: list[Key] = []  # sorted
        self._unavailable: set[int] = set()
        self._room: dict[str, set[int]] = {}  # channel -> agents below capacity there (computed per channel seen)
        self._works: dict[str, set[int]] = {}  # channel -> agents with any capacity there
        self._skills: dict[str, dict[int, set[int]]] = {}  # skill -> level -> agents holding exactly that level
        self._speaks: dict[str, set[int]] = {}
        self._any_language: set[int] = set()
        self._serves: dict[str, set[int]] = {}
        self._any_tier: set[int] = set()
        self._queues: dict[str, set[int]] = {}
        self._by_email: dict[str, int] = {}
        self._channels: set[str] = set()  # every channel a profile here names a capacity for

    def __len__(self) -> int:
        return len(self._agents)

    def __iter__(self) -> Iterator[Pair]:
        return iter(list(self._agents.values()))

    def __contains__(self, agent_id: object) -> bool:
        return agent_id in self._agents

    def ids(self) -> set[int]:
        return set(self._agents)

    def get(self, agent_id: int) -> Pair | None:
        return self._agents.get(agent_id)

    def put(self, profile: AgentProfile, state: AgentState) -> None:
        """Add or replace an agent (a new profile or state)."""
        self.remove(profile.id)
        a = profile.id
        self._agents[a] = (profile, state)
        for skill, level in profile.skills.items():
            self._skills.setdefault(skill, {}).setdefault(level, set()).add(a)
        for lang in profile.languages:
            self._speaks.setdefault(lang, set()).add(a)
        if not profile.languages:
            self._any_language.add(a)
        for tier in profile.tiers:
            self._serves.setdefault(tier, set()).add(a)
        if not profile.tiers:
            self._any_tier.add(a)
        for queue in profile.queues:
            self._queues.setdefault(queue, set()).add(a)
        self._by_email[profile.email] = a
        self._channels.update(profile.capacity)
        for channel in self._room:
            self._place(channel, profile, state)
        if not state.available:
            self._unavailable.add(a)
        self._rekey(a)

    def remove(self, agent_id: int) -> None:
        pair = self._agents.pop(agent_id, None)
        if pair is None:
            return
        profile, _ = pair
        for skill, level in profile.skills.items():
            self._skills[skill][level].discard(agent_id)
        for lang in profile.languages:
            self._speaks[lang].discard(agent_id)
        for tier in profile.tiers:
            self._serves[tier].discard(agent_id)
        for queue in profile.queues:
            self._queues[queue].discard(agent_id)
        if self._by_email.get(profile.email) == agent_id:
            del self._by_email[profile.email]
        for group in (
            self._any_language,
            self._any_tier,
            self._unavailable,
            *self._room.values(),
            *self._works.values(),
        ):
            group.discard(agent_id)
        key = self._keys.pop(agent_id)
        del self._order[bisect_left(self._order, key)]

    def set_state(self, agent_id: int, state: AgentState) -> None:
        """A new load or idle since for an agent already here (cheap: no profile sets change)."""
        pair = self._agents.get(agent_id)
        if pair is None:
            return
        profile = pair[0]
        self._agents[agent_id] = (profile, state)
        (self._unavailable.discard if state.available else self._unavailable.add)(agent_id)
        for channel in self._room:
            self._place(channel, profile, state)
        key = self._keys[agent_id]
        del self._order[bisect_left(self._order, key)]
        self._rekey(agent_id)

    def channels(self) -> set[str]:
        return self._channels

    def room(self, channel: str) -> set[int]:
        """Agents with capacity left on the channel (the set itself: do not change it)."""
        if channel not in self._room:
            self._room[channel], self._works[channel] = set(), set()
            for profile, state in self._agents.values():
                self._place(channel, profile, state)
        return self._room[channel]

    def works(self, channel: str) -> set[int]:
        self.room(channel)
        return self._works[channel]

    def admitted(self, step: Step) -> set[int] | None:
        """Agents the step admits; None: everyone."""
        if step.queue is None and not step.agents:
            return None
        found = set(self._queues.get(step.queue, ())) if step.queue is not None else set(self._agents)
        if step.agents:
            found &= {self._by_email[e] for e in step.agents if e in self._by_email}
        return found

    def staffed(self, channel: str, steps: tuple[Step, ...]) -> list[bool]:
        """Per step: an available agent it admits works the channel (even one at full capacity)."""
        works = self.works(channel) - self._unavailable
        result = []
        for step in steps:
            admitted = self.admitted(step)
            result.append(bool(works) if admitted is None else not works.isdisjoint(admitted))
        return result

    def eligible(self, req: RouteRequest, step: Step) -> tuple[set[int], dict[str, int]]:
        """decide()'s eligible agents and the count of the others by the first rule they fail (the same
        order of rules as decide.why_not)."""
        rest = set(self._agents)
        excluded: dict[str, int] = {}

        def keep(ok: set[int], why: str) -> None:
            nonlocal rest
            kept = rest & ok
            if len(kept) < len(rest):
                excluded[why] = len(rest) - len(kept)
                rest = kept

        if req.exclude:
            keep(rest - req.exclude, "already offered this ticket")
        if self._unavailable:
            keep(rest - self._unavailable, "not available")
        admitted = self.admitted(step)
        if admitted is not None:
            keep(admitted, "outside this step")
        keep(self.room(req.channel), f"at {req.channel} capacity")
        for skill, level in req.skills.items():
            if level <= 0:
                continue  # asked for nothing: everyone has level 0 at least
            held = self._skills.get(skill, {})
            keep(set().union(*(ids for lvl, ids in held.items() if lvl >= level)), f"{skill} below {level}")
        if req.language:
            keep(self._speaks.get(req.language, set()) | self._any_language, f"does not speak {req.language}")
        keep(self._serves.get(req.tier, set()) | self._any_tier, f"does not serve {req.tier} customers")
        return rest, excluded

    def best(self, chosen: set[int], req: RouteRequest, fairness: Fairness) -> Pair | None:
        """The first of `chosen` by the fairness rule (fairness.rank_key), without keying them all.

        Agents are walked in (load share, idle since, id) order. Skill fit and the skill credit only reorder
        agents with the same load share, and the credit moves an agent ahead by at most `reach` seconds of
        idle time, so the walk stops at the first agent who could no longer beat the best one found."""
        if not chosen:
            return None
        agents, skills = self._agents, req.skills
        reach = timedelta(seconds=fairness.skill_seconds * fairness.skill_levels * len(skills))
        best: tuple[tuple[float, datetime, int, int], int] | None = None
        for share, idle, a in self._order:
            if a not in chosen:
                continue
            if best is not None and (share != best[0][0] or idle - reach > best[0][1]):
                break
            key = rank_key(*agents[a], skills, self.default_capacity, fairness)
            if best is None or key < best[0]:
                best = (key, a)
        return agents[best[1]] if best is not None else None

    def _place(self, channel: str, profile: AgentProfile, state: AgentState) -> None:
        cap = profile.capacity.get(channel, self.default_capacity.get(channel, 1))
        a = profile.id
        (self._works[channel].add if cap > 0 else self._works[channel].discard)(a)
        (self._room[channel].add if state.load.get(channel, 0) < cap else self._room[channel].discard)(a)

    def _rekey(self, agent_id: int) -> None:
        profile, state = self._agents[agent_id]
        key = (load_share(profile, state, self.default_capacity), state.idle_since or EPOCH, agent_id)
        self._keys[agent_id] = key
        insort(self._order, key)


def with_load(index: RosterIndex, agent_id: int, channel: str, n: int, idle_since: datetime | None) -> None:
    """Set one agent's load on a channel (and their idle since, when given)."""
    pair = index.get(agent_id)
    if pair is None:
        return
    state = pair[1]
    load = {**state.load, channel: max(0, n)}
    index.set_state(agent_id, replace(state, load=load, idle_since=idle_since or state.idle_since))
