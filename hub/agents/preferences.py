"""An agent's own console settings, kept on their account: what they chose, over the defaults everyone starts with."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Agent

# Every setting an agent may keep, and its value until they choose: a chime on a new offer or message, and no
# desktop notifications until they opt in (the browser asks its own permission as well).
DEFAULTS: dict[str, bool] = {"sound": True, "desktop_notifications": False}


def preferences_of(agent: Agent) -> dict[str, Any]:
    """The agent's settings, every one present: their choices over the defaults, and the console language (None:
    their browser's) kept in its own column since the sign-in pages read it too."""
    chosen = {k: v for k, v in (agent.preferences or {}).items() if k in DEFAULTS and isinstance(v, bool)}
    return {**DEFAULTS, **chosen, "language": agent.locale}


async def change_preferences(session: AsyncSession, agent_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply what the agent changed (a setting set to None goes back to its default) and answer with them all.
    `changes` is checked already: known names, booleans, a known language or None."""
    # Locked (PostgreSQL): two settings changed at once from two tabs both stay, neither write undoes the other.
    agent = await session.get_one(Agent, agent_id, with_for_update=True)
    kept = dict(agent.preferences or {})
    for name, value in changes.items():
        if name == "language":
            agent.locale = value
        elif value is None:
            kept.pop(name, None)
        else:
            kept[name] = value
    # A new dict, not the one read: the JSON column notices a changed value only when it is replaced.
    agent.preferences = kept
    return preferences_of(agent)
