"""Customer tiers, ordered most valuable first, and the priority each one starts at."""

from __future__ import annotations

TIERS: tuple[str, ...] = ("diamond", "gold", "silver", "general")
PRIORITIES: tuple[str, ...] = ("urgent", "high", "normal", "low")

# VIP customers are served first: a diamond customer's new ticket starts urgent.
TIER_PRIORITY: dict[str, str] = {"diamond": "urgent", "gold": "high", "silver": "normal", "general": "normal"}


def priority_for(tier: str) -> str:
    return TIER_PRIORITY.get(tier, "normal")


def priority_rank(priority: str) -> int:
    """0 is most urgent; unknown priorities sort last."""
    return PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)
