"""Customer lifetime value and the tier it earns: CLV = m*r/(1+i-r), tiers by thresholds from config.

m is the yearly margin a customer brings, r the yearly retention rate, i the discount rate. The
thresholds name the least lifetime value for each tier, most valuable first; below every threshold a
customer is in the last (default) tier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ValueRules:
    retention: float = 0.8
    discount: float = 0.1
    thresholds: Mapping[str, float] = field(default_factory=dict)  # tier -> least lifetime value
    default_tier: str = "general"

    def lifetime_value(self, margin: float) -> float:
        return margin * self.retention / (1 + self.discount - self.retention)

    def tier_for(self, lifetime_value: float) -> str:
        for tier, least in sorted(self.thresholds.items(), key=lambda kv: -kv[1]):
            if lifetime_value >= least:
                return tier
        return self.default_tier

    @classmethod
    def parse(cls, raw: Any, tier_names: tuple[str, ...], source: str) -> ValueRules | None:
        if raw is None:
            return None
        where = f"{source}: [value]"
        if not isinstance(raw, dict) or set(raw) - {"retention", "discount", "thresholds"}:
            raise ValueError(f"{where}: a table of retention, discount and thresholds")
        retention, discount = raw.get("retention", 0.8), raw.get("discount", 0.1)
        for name, value in (("retention", retention), ("discount", discount)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
                raise ValueError(f"{where}: {name} must be a rate from 0 up to (not including) 1")
        if 1 + discount - retention <= 0:
            raise ValueError(f"{where}: retention must stay below 1 + discount")
        thresholds = raw.get("thresholds", {})
        if not isinstance(thresholds, dict) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in thresholds.values()
        ):
            raise ValueError(f"{where}: thresholds map tiers to a least lifetime value of 0 or more")
        for tier in thresholds:
            if tier not in tier_names:
                raise ValueError(f"{where}: thresholds.{tier} is not a tier (tiers: {', '.join(tier_names)})")
        return cls(float(retention), float(discount), {k: float(v) for k, v in thresholds.items()}, tier_names[-1])
