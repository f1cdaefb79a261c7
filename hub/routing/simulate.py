"""`hub routing simulate`: replay an arrival trace against a policy and a roster, before the policy goes live.

A discrete-event simulation that uses the same decide() and policy steps as the live engine. Agents
accept at once and work each contact for its handle time; a contact whose `patience_s` passes first is
abandoned. Trace lines (JSONL): {"t": seconds, "channel", "tier", "skills": {name: level}, "language",
"handle_s", "patience_s"}. Roster (JSON list): {"id", "name", "skills", "languages", "capacity", "tiers",
"queues"}. What it does not model: offers declined or missed, wrap-up, breaks and shift changes.
"""

from __future__ import annotations

import heapq
import json
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hub.routing.config import RoutingConfig
from hub.routing.decide import decide
from hub.routing.model import AgentProfile, AgentState, RouteRequest
from hub.routing.policy import choose_filter

ARRIVE, DONE, RECHECK, ABANDON = 0, 1, 2, 3  # at equal times, arrivals first, then freed capacity


class TraceError(ValueError):
    pass


@dataclass(slots=True)
class Contact:
    id: int
    t: float
    channel: str
    tier: str
    skills: dict[str, int]
    language: str | None
    handle_s: float
    patience_s: float | None
    answered_at: float | None = None
    agent: int | None = None
    abandoned: bool = False


@dataclass(slots=True)
class Floor:
    """Live state: who is free on which channel, what waits, and each agent's busy time."""

    agents: dict[int, AgentProfile]
    capacity: dict[str, int]
    load: dict[int, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    waiting: dict[int, Contact] = field(default_factory=dict)
    busy_s: dict[int, float] = field(default_factory=lambda: defaultdict(float))  # time with any contact open
    busy_since: dict[int, float] = field(default_factory=dict)

    def took(self, agent_id: int, channel: str, now: float) -> None:
        if not any(self.load[agent_id].values()):
            self.busy_since[agent_id] = now
        self.load[agent_id][channel] = self.load[agent_id].get(channel, 0) + 1

    def released(self, agent_id: int, channel: str, now: float) -> None:
        self.load[agent_id][channel] -= 1
        if not any(self.load[agent_id].values()):
            self.busy_s[agent_id] += now - self.busy_since.pop(agent_id)

    def cap(self, agent: AgentProfile, channel: str) -> int:
        return agent.capacity.get(channel, self.capacity.get(channel, 1))

    def free_on(self, channel: str, only: Iterable[int] | None = None) -> list[tuple[AgentProfile, AgentState]]:
        ids = self.agents if only is None else only
        return [
            (self.agents[i], AgentState(True, self.load[i]))
            for i in ids
            if self.load[i].get(channel, 0) < self.cap(self.agents[i], channel)
        ]


def load_trace(path: Path) -> list[Contact]:
    contacts = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            contacts.append(
                Contact(
                    n,
                    float(raw["t"]),
                    str(raw["channel"]),
                    str(raw.get("tier", "general")),
                    {str(k): int(v) for k, v in (raw.get("skills") or {}).items()},
                    raw.get("language"),
                    float(raw["handle_s"]),
                    float(raw["patience_s"]) if raw.get("patience_s") is not None else None,
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise TraceError(f"{path}:{n}: {exc.__class__.__name__}: {exc}") from None
    return sorted(contacts, key=lambda c: (c.t, c.id))


def load_roster_file(path: Path) -> list[AgentProfile]:
    try:
        return profiles(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise TraceError(f"{path}: {exc.__class__.__name__}: {exc}") from None


def profiles(rows: list[dict[str, Any]]) -> list[AgentProfile]:
    """Roster rows (as in roster.json) to yellow-pages entries."""
    return [
        AgentProfile(
            int(r["id"]),
            str(r.get("name", r["id"])),
            {str(k): int(v) for k, v in (r.get("skills") or {}).items()},
            frozenset(r.get("languages") or ()),
            {str(k): int(v) for k, v in (r.get("capacity") or {}).items()},
            frozenset(r.get("tiers") or ()),
            email=str(r.get("email", "")).lower(),
            queues=frozenset(r.get("queues") or ()),
        )
        for r in rows
    ]


def simulate(config: RoutingConfig, roster: list[AgentProfile], trace: list[Contact], sl_s: float) -> dict[str, Any]:
    floor = Floor({a.id: a for a in roster}, config.capacity)
    events: list[tuple[float, int, int]] = [(c.t, ARRIVE, c.id) for c in trace]
    heapq.heapify(events)
    by_id = {c.id: c for c in trace}
    weights = {t.name: t.weight for t in config.tiers}
    right_skill = assigned = 0
    end = 0.0

    def request(c: Contact, now: float) -> RouteRequest:
        return RouteRequest(c.id, c.channel, c.tier, c.skills, c.language, waited_s=now - c.t)

    def start(c: Contact, agent_id: int, now: float) -> None:
        nonlocal right_skill, assigned
        agent = floor.agents[agent_id]
        c.answered_at, c.agent = now, agent_id
        floor.waiting.pop(c.id, None)
        floor.took(agent_id, c.channel, now)
        assigned += 1
        right_skill += all(agent.skills.get(s, 0) >= lvl for s, lvl in c.skills.items())
        heapq.heappush(events, (now + c.handle_s, DONE, c.id))

    def wait(c: Contact, now: float) -> None:
        floor.waiting[c.id] = c
        if c.patience_s is not None:
            heapq.heappush(events, (c.t + c.patience_s, ABANDON, c.id))
        # A timed step ends: look again then, with the next step's wider (or different) set of agents.
        flt = choose_filter(config.filters, {"tier": c.tier, "channel": c.channel, "skill": set(c.skills)})
        edge = 0.0
        for step in flt.steps[:-1]:
            edge += step.timeout_s or 0
            if c.t + edge > now:
                heapq.heappush(events, (c.t + edge, RECHECK, c.id))

    while events:
        now, kind, cid = heapq.heappop(events)
        end = max(end, now)
        c = by_id[cid]
        if kind == ARRIVE:
            d = decide(request(c, now), floor.free_on(c.channel), config.capacity, config.filters)
            start(c, d.agent_id, now) if d.agent_id is not None else wait(c, now)
        elif kind == RECHECK and c.id in floor.waiting:
            d = decide(request(c, now), floor.free_on(c.channel), config.capacity, config.filters)
            if d.agent_id is not None:
                start(c, d.agent_id, now)
        elif kind == ABANDON and c.id in floor.waiting:
            c.abandoned = True
            floor.waiting.pop(c.id)
        elif kind == DONE:
            assert c.agent is not None
            floor.released(c.agent, c.channel, now)
            # The freed agent takes the most urgent waiting contact they may take.
            queue = sorted(
                (w for w in floor.waiting.values() if w.channel == c.channel),
                key=lambda w: (-(weights.get(w.tier, 0) + config.urgency.wait_points_per_min * (now - w.t) / 60), w.t),
            )
            for w in queue:
                d = decide(request(w, now), floor.free_on(c.channel, [c.agent]), config.capacity, config.filters)
                if d.agent_id is not None:
                    start(w, d.agent_id, now)
                    break
    return _report(trace, floor, config, sl_s, end, right_skill, assigned)


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def _report(
    trace: list[Contact],
    floor: Floor,
    config: RoutingConfig,
    sl_s: float,
    end: float,
    right_skill: int,
    assigned: int,
) -> dict[str, Any]:
    tiers: dict[str, dict[str, Any]] = {}
    for name in sorted({c.tier for c in trace}, key=lambda t: -config.tier_weight(t)):
        mine = [c for c in trace if c.tier == name]
        waits = [c.answered_at - c.t for c in mine if c.answered_at is not None]
        tiers[name] = {
            "contacts": len(mine),
            f"answered_within_{sl_s:g}s_percent": round(100 * sum(w <= sl_s for w in waits) / max(1, len(mine)), 1),
            "abandoned": sum(c.abandoned for c in mine),
            "unanswered": sum(c.answered_at is None and not c.abandoned for c in mine),
            "wait_p50_s": _pct(waits, 0.5),
            "wait_p90_s": _pct(waits, 0.9),
        }
    span = max(1.0, end - min((c.t for c in trace), default=0.0))
    occupancy = [100 * floor.busy_s[a] / span for a in floor.agents]
    return {
        "contacts": len(trace),
        "agents": len(floor.agents),
        "tiers": tiers,
        "right_skill_percent": round(100 * right_skill / max(1, assigned), 1),
        "occupancy_percent": {
            "min": round(min(occupancy, default=0), 1),
            "p50": _pct(occupancy, 0.5),
            "max": round(max(occupancy, default=0), 1),
            "stdev": round(statistics.pstdev(occupancy), 1) if len(occupancy) > 1 else 0.0,
        },
    }
