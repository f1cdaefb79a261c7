"""Routing policy as data: first-match filters with ordered steps, and how a waiting ticket moves through them.

A filter matches ticket attributes (tier, channel, queue, skill, language). Its steps are tried in order:
each narrows who may take the ticket (members of a queue, named agents, a minimum skill level) for
`timeout_s` seconds of waiting, then the next step applies. A step with `skip_if_none` is passed over at
once when none of its agents is available. The last step has no timeout. Everything here is pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MATCH_KEYS = ("tier", "channel", "queue", "skill", "language")


class PolicyError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Step:
    queue: str | None = None  # only agents who are members of this queue
    agents: frozenset[str] = frozenset()  # only these agents (by email)
    min_level: int = 0  # every required skill at least at this level
    timeout_s: int | None = None  # how long a ticket waits at this step; None: for good
    skip_if_none: bool = False

    def admits(self, email: str, queues: frozenset[str]) -> bool:
        if self.queue is not None and self.queue not in queues:
            return False
        return not self.agents or email in self.agents

    def describe(self) -> str:
        parts = []
        if self.queue:
            parts.append(f"queue {self.queue}")
        if self.agents:
            parts.append(f"{len(self.agents)} named agents")
        if self.min_level:
            parts.append(f"skills at level {self.min_level}+")
        return ", ".join(parts) or "any eligible agent"


@dataclass(frozen=True, slots=True)
class Filter:
    name: str
    when: Mapping[str, frozenset[str]] = field(default_factory=dict)
    steps: tuple[Step, ...] = (Step(),)

    def matches(self, attrs: Mapping[str, Any]) -> bool:
        for key, allowed in self.when.items():
            value = attrs.get(key)
            values = set(value) if isinstance(value, (set, frozenset, list, tuple)) else {value}
            if not values & allowed:
                return False
        return True


DEFAULT_FILTER = Filter("default")


def choose_filter(filters: Sequence[Filter], attrs: Mapping[str, Any]) -> Filter:
    return next((f for f in filters if f.matches(attrs)), DEFAULT_FILTER)


def current_step(flt: Filter, waited_s: float, staffed: Sequence[bool]) -> tuple[int, Step]:
    """The step a ticket that has waited `waited_s` is at. `staffed[i]`: step i has an available agent."""
    elapsed = 0.0
    last = len(flt.steps) - 1
    for i, step in enumerate(flt.steps):
        if i < last and step.skip_if_none and not staffed[i]:
            continue  # nobody could take it here: spend none of the wait on this step
        if i == last or step.timeout_s is None or waited_s < elapsed + step.timeout_s:
            return i, step
        elapsed += step.timeout_s
    return last, flt.steps[last]


def parse_filters(raw: Any, source: str) -> tuple[Filter, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise PolicyError(f"{source}: filters must be [[filters]] tables")
    return tuple(_filter(item, f"{source}: filters #{n}") for n, item in enumerate(raw, 1))


def _filter(raw: Any, where: str) -> Filter:
    if not isinstance(raw, dict):
        raise PolicyError(f"{where}: expected a [[filters]] table")
    unknown = set(raw) - {"name", "when", "steps"}
    if unknown:
        raise PolicyError(f"{where}: unknown key {sorted(unknown)[0]!r} (known: name, when, steps)")
    name = raw.get("name", where.rsplit(" ", 1)[-1])
    if not isinstance(name, str) or not name.strip():
        raise PolicyError(f"{where}: name must be text")
    when_raw = raw.get("when", {})
    if not isinstance(when_raw, dict):
        raise PolicyError(f'{where}: when must be a table such as {{ tier = ["diamond"] }}')
    when: dict[str, frozenset[str]] = {}
    for key, value in when_raw.items():
        if key not in MATCH_KEYS:
            raise PolicyError(f"{where}: when.{key} is not a ticket attribute (known: {', '.join(MATCH_KEYS)})")
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            raise PolicyError(f"{where}: when.{key} must be a name or a list of names")
        when[key] = frozenset(values)
    steps_raw = raw.get("steps", [{}])
    if not isinstance(steps_raw, list) or not steps_raw:
        raise PolicyError(f"{where}: steps must be a non-empty list of [[filters.steps]] tables")
    steps = tuple(_step(s, f"{where} step {i}") for i, s in enumerate(steps_raw, 1))
    for i, step in enumerate(steps[:-1], 1):
        if step.timeout_s is None:
            raise PolicyError(f"{where} step {i}: every step but the last needs timeout_s")
    return Filter(name.strip(), when, steps)


def _step(raw: Any, where: str) -> Step:
    if not isinstance(raw, dict):
        raise PolicyError(f"{where}: expected a table")
    unknown = set(raw) - {"queue", "agents", "min_level", "timeout_s", "skip_if_none"}
    if unknown:
        raise PolicyError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    queue, agents = raw.get("queue"), raw.get("agents", [])
    min_level, timeout, skip = raw.get("min_level", 0), raw.get("timeout_s"), raw.get("skip_if_none", False)
    if queue is not None and (not isinstance(queue, str) or not queue):
        raise PolicyError(f"{where}: queue must be a queue name")
    if not isinstance(agents, list) or not all(isinstance(a, str) and "@" in a for a in agents):
        raise PolicyError(f"{where}: agents must be a list of agent emails")
    if not isinstance(min_level, int) or not 0 <= min_level <= 5:
        raise PolicyError(f"{where}: min_level must be 0-5")
    if timeout is not None and (not isinstance(timeout, int) or timeout <= 0):
        raise PolicyError(f"{where}: timeout_s must be a whole number of seconds above 0")
    if not isinstance(skip, bool):
        raise PolicyError(f"{where}: skip_if_none must be true or false")
    return Step(queue, frozenset(a.lower() for a in agents), min_level, timeout, skip)
