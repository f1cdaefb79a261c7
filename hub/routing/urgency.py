"""Which waiting ticket goes first: tier weight, SLA risk and waiting time blended into one score.

Static priority alone serves VIPs first but can starve everyone else; waiting time alone ignores value.
The blend: the tier's weight (routing.toml), plus SLA risk that grows over the last `risk_window_min`
before the first-response target and jumps by `overdue_bonus` once it is missed, plus points per minute
waited (capped), so a general customer who has waited long enough overtakes a fresh gold one. The
weights are the [urgency] table of routing.toml.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class UrgencyWeights:
    risk_window_min: float = 60.0
    overdue_bonus: float = 100.0
    wait_points_per_min: float = 0.5
    wait_cap_min: float = 180.0

    @classmethod
    def parse(cls, raw: Any, source: str) -> UrgencyWeights:
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            raise ValueError(f"{source}: [urgency] must be a table")
        known = set(cls.__dataclass_fields__)
        for key, value in raw.items():
            if key not in known:
                raise ValueError(f"{source}: urgency.{key} is unknown (known: {', '.join(sorted(known))})")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{source}: urgency.{key} must be a number of 0 or more")
        return cls(**{k: float(v) for k, v in raw.items()})


DEFAULT_WEIGHTS = UrgencyWeights()


def urgency(
    tier_weight: float,
    due: datetime | None,
    waiting_since: datetime,
    now: datetime,
    weights: UrgencyWeights = DEFAULT_WEIGHTS,
) -> float:
    risk = 0.0
    if due is not None:
        minutes_left = (due - now).total_seconds() / 60
        if minutes_left < 0:
            risk = weights.overdue_bonus + min(-minutes_left, 100.0)
        else:
            risk = max(0.0, weights.risk_window_min - minutes_left)
    waited = min(max(0.0, (now - waiting_since).total_seconds() / 60), weights.wait_cap_min)
    return tier_weight + risk + weights.wait_points_per_min * waited
