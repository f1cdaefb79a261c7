"""decide(): pure. Which eligible agent gets a ticket, and why, in words an agent can read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from hub.routing.model import AgentProfile, AgentState, Decision, RouteRequest

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _why_not(agent: AgentProfile, state: AgentState, req: RouteRequest, default_capacity: int) -> str | None:
    if not state.available:
        return "not available"
    capacity = agent.capacity.get(req.channel, default_capacity)
    if state.load.get(req.channel, 0) >= capacity:
        return f"at {req.channel} capacity ({capacity})"
    for skill, level in req.skills.items():
        if agent.skills.get(skill, 0) < level:
            return f"{skill} below {level}"
    if req.language and agent.languages and req.language not in agent.languages:
        return f"does not speak {req.language}"
    if agent.tiers and req.tier not in agent.tiers:
        return f"does not serve {req.tier} customers"
    return None


def decide(
    req: RouteRequest,
    roster: Iterable[tuple[AgentProfile, AgentState]],
    default_capacity: Mapping[str, int],
) -> Decision:
    """Eligible: available, capacity left on the channel, skills at the levels, language, tier.
    Ranked by skill fit (sum of required skill levels), then occupancy, then longest idle, then id;
    the customer's last agent first when eligible."""
    fallback = default_capacity.get(req.channel, 1)
    eligible: list[tuple[AgentProfile, AgentState]] = []
    excluded: dict[str, int] = {}
    for agent, state in roster:
        reason = _why_not(agent, state, req, fallback)
        if reason is None:
            eligible.append((agent, state))
        else:
            why = reason.split(" (")[0]
            excluded[why] = excluded.get(why, 0) + 1
    needs = ", ".join(f"{s}≥{lvl}" for s, lvl in sorted(req.skills.items())) or "no particular skill"
    lang = f", language {req.language}" if req.language else ""
    header = f"needs {needs}{lang} on {req.channel} for a {req.tier} customer"
    skipped = "; ".join(f"{n} {why}" for why, n in sorted(excluded.items()))
    if not eligible:
        return Decision(None, (header, f"nobody eligible ({skipped or 'no agents'}); waiting in queue"))

    def rank(item: tuple[AgentProfile, AgentState]) -> tuple[float, float, datetime, int]:
        agent, state = item
        fit = sum(agent.skills.get(s, 0) for s in req.skills)
        occupancy = state.load.get(req.channel, 0) / max(1, agent.capacity.get(req.channel, fallback))
        return (-fit, occupancy, state.idle_since or _EPOCH, agent.id)

    eligible.sort(key=rank)
    ranked = tuple(a.id for a, _ in eligible)
    chosen, state = eligible[0]
    reasons = [header]
    if req.last_agent_id in ranked:
        chosen = next(a for a, _ in eligible if a.id == req.last_agent_id)
        state = next(s for a, s in eligible if a.id == req.last_agent_id)
        reasons.append(f"{chosen.name} served this customer last time and is available")
    else:
        fit = ", ".join(f"{s} {chosen.skills.get(s, 0)}" for s in sorted(req.skills)) or "all skills equal"
        cap = chosen.capacity.get(req.channel, fallback)
        reasons.append(
            f"{chosen.name}: best skill fit ({fit}), {state.load.get(req.channel, 0)}/{cap} "
            f"{req.channel} tickets, first of {len(ranked)} eligible"
        )
    if skipped:
        reasons.append(f"not eligible: {skipped}")
    return Decision(chosen.id, tuple(reasons), ranked)
