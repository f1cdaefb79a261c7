"""The priority a customer's tier starts a ticket at (the tiers themselves live in routing.toml)."""

from __future__ import annotations

PRIORITIES: tuple[str, ...] = ("urgent", "high", "normal", "low")

# VIP customers are served first: a diamond customer's new ticket starts urgent.
TIER_PRIORITY: dict[str, str] = {"diamond": "urgent", "gold": "high", "silver": "normal", "general": "normal"}


def priority_for(tier: str) -> str:
    return TIER_PRIORITY.get(tier, "normal")
