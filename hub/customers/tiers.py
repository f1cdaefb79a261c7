"""What a customer's tier gives their tickets: the priority they start at and their SLA due times (the tiers
themselves, with their SLA targets, live in routing.toml)."""

from __future__ import annotations

from datetime import datetime, timedelta

PRIORITIES: tuple[str, ...] = ("urgent", "high", "normal", "low")

# VIP customers are served first: a diamond customer's new ticket starts urgent.
TIER_PRIORITY: dict[str, str] = {"diamond": "urgent", "gold": "high", "silver": "normal", "general": "normal"}


def priority_for(tier: str) -> str:
    return TIER_PRIORITY.get(tier, "normal")


def sla_due(created: datetime, first_response: timedelta, resolution: timedelta) -> tuple[datetime, datetime]:
    return created + first_response, created + resolution
