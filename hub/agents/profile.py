"""An agent's yellow-pages entry changed in place: only the parts named, each change audited with before and after."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents import audit
from hub.agents.accounts import Principal
from hub.db.models import Agent, AgentSkill
from hub.wording import Worded

# The entry's parts kept on the agent row as they are sent (skills and channels are worked out below).
_PLAIN = ("display_name", "languages", "capacity", "tiers", "topics", "voice_endpoint")


class ProfileError(Worded, ValueError):
    """The change contradicts itself or names a channel the hub does not route."""


async def skills_of(s: AsyncSession, agent_id: int) -> dict[str, int]:
    rows = await s.scalars(select(AgentSkill).where(AgentSkill.agent_id == agent_id))
    return {row.skill: row.level for row in rows}


def works_on(agent: Agent, channel: str, defaults: Mapping[str, int]) -> bool:
    """As routing decides it: the agent's capacity on the channel, else the routing default, else one."""
    return int((agent.capacity or {}).get(channel, defaults.get(channel, 1))) > 0


def channels_of(agent: Agent, defaults: Mapping[str, int]) -> list[str]:
    """The channels the agent takes work on, among those routing knows and those their entry names."""
    known = {*defaults, *(agent.capacity or {})}
    return sorted(c for c in known if works_on(agent, c, defaults))


def _with_channels(capacity: dict[str, int], channels: list[str], sent: dict[str, int] | None,
                   defaults: Mapping[str, int]) -> dict[str, int]:  # fmt: skip
    """Capacity 0 on every channel not listed; a listed channel at 0 goes back to the routing default."""
    known = {*defaults, *capacity}
    unknown = sorted(set(channels) - known)
    if unknown:
        raise ProfileError(
            "channels: unknown channel '%(channel)s'; one of %(choices)s",
            channel=unknown[0],
            choices=", ".join(sorted(known)),
        )
    out = dict(capacity)
    for channel in sorted(known):
        if channel not in channels:
            out[channel] = 0
        elif out.get(channel, 1) <= 0:
            if sent is not None and channel in sent:
                raise ProfileError("channels: %(channel)s is listed but capacity gives it 0", channel=channel)
            out.pop(channel)
    return out


async def edit_profile(
    s: AsyncSession, actor: Principal, agent: Agent, sent: dict[str, Any], defaults: Mapping[str, int]
) -> dict[str, dict[str, Any]]:
    """Apply the parts sent ({} changes nothing); the changes as {part: {before, after}}, audited as one entry."""
    changes: dict[str, dict[str, Any]] = {}
    wanted = {name: sent[name] for name in _PLAIN if name in sent}
    if "display_name" in wanted:
        wanted["display_name"] = str(wanted["display_name"]).strip()
    if "channels" in sent:
        base = wanted.get("capacity", dict(agent.capacity or {}))
        wanted["capacity"] = _with_channels(base, list(sent["channels"]), sent.get("capacity"), defaults)
    for name, value in wanted.items():
        before = getattr(agent, name)
        if before != value:
            changes[name] = {"before": before, "after": value}
            setattr(agent, name, value)
    if "skills" in sent:
        before_skills = await skills_of(s, agent.id)
        after_skills = {name.strip(): level for name, level in sent["skills"].items()}
        if before_skills != after_skills:
            await s.execute(delete(AgentSkill).where(AgentSkill.agent_id == agent.id))
            s.add_all(AgentSkill(agent_id=agent.id, skill=k, level=v) for k, v in after_skills.items())
            changes["skills"] = {"before": before_skills, "after": after_skills}
    if changes:
        audit.record(s, actor, "agent.profile_changed", "agent", agent.id, changes=changes)
        await s.flush()
    return changes
