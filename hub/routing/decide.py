"""decide(): pure. Which eligible agent gets a ticket, and why, in words an agent can read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from operator import itemgetter

from hub.routing.fairness import DEFAULT_FAIRNESS, Fairness, load_share, rank_key
from hub.routing.index import RosterIndex
from hub.routing.model import AgentProfile, AgentState, Decision, RouteRequest
from hub.routing.policy import Filter, Step, choose_filter, current_step

Roster = Sequence[tuple[AgentProfile, AgentState]]
ANY_STEP = Step()


def why_not(agent: AgentProfile, state: AgentState, req: RouteRequest, step: Step, fallback: int) -> str | None:
    """Why this agent may not take the ticket now, in the words the reasons count; None: eligible."""
    if agent.id in req.exclude:
        return "already offered this ticket"
    if not state.available:
        return "not available"
    if not step.admits(agent.email, agent.queues):
        return "outside this step"  # the step itself is named in the policy line
    if state.load.get(req.channel, 0) >= agent.capacity.get(req.channel, fallback):
        return f"at {req.channel} capacity"
    for skill, level in req.skills.items():
        if agent.skills.get(skill, 0) < level:
            return f"{skill} below {level}"
    if req.language and agent.languages and req.language not in agent.languages:
        return f"does not speak {req.language}"
    if agent.tiers and req.tier not in agent.tiers:
        return f"does not serve {req.tier} customers"
    return None


def _scan(
    roster: Iterable[tuple[AgentProfile, AgentState]],
    req: RouteRequest,
    step: Step,
    fallback: int,
    default_capacity: Mapping[str, int],
    fairness: Fairness,
) -> tuple[list[tuple[AgentProfile, AgentState]], dict[str, int]]:
    """Every agent checked in turn: the eligible in rank order, and the others counted by their reason."""
    keyed: list[tuple[tuple[float, datetime, int, int], AgentProfile, AgentState]] = []
    excluded: dict[str, int] = {}
    for agent, state in roster:
        reason = why_not(agent, state, req, step, fallback)
        if reason is None:
            keyed.append((rank_key(agent, state, req.skills, default_capacity, fairness), agent, state))
        else:
            excluded[reason] = excluded.get(reason, 0) + 1
    keyed.sort(key=itemgetter(0))  # keys are unique (they end with the id): profiles are never compared
    return [(agent, state) for _, agent, state in keyed], excluded


def _policy_line(flt: Filter, index: int, step: Step) -> str:
    limit = f" for up to {step.timeout_s} s" if step.timeout_s and index < len(flt.steps) - 1 else ""
    return f"policy {flt.name}, step {index + 1} of {len(flt.steps)}: {step.describe()}{limit}"


def decide(
    req: RouteRequest,
    roster: Iterable[tuple[AgentProfile, AgentState]],
    default_capacity: Mapping[str, int],
    filters: Sequence[Filter] = (),
    fairness: Fairness = DEFAULT_FAIRNESS,
) -> Decision:
    """Eligible: admitted by the policy's current step, available, capacity left on the channel, skills at
    the levels, language, tier. Ranked by the fairness rule (fairness.py: least load share, then longest
    idle with optional skill credit, then skill fit, then id); the customer's last agent first when eligible.
    A step is staffed when an available agent it admits works the channel, even one at full capacity."""
    # The live engine's indexed roster gives the same answers from sets (built for the same default capacity).
    indexed = roster if isinstance(roster, RosterIndex) and roster.default_capacity == default_capacity else None
    if indexed is None:
        roster = list(roster)
    fallback = default_capacity.get(req.channel, 1)
    attrs: dict[str, object] = {"tier": req.tier, "channel": req.channel, "queue": req.queue}
    attrs.update(skill=set(req.skills), language=req.language)
    flt = choose_filter(filters, attrs)
    staffed = [True] * len(flt.steps)
    if indexed is not None and any(step.skip_if_none for step in flt.steps[:-1]):
        staffed = indexed.staffed(req.channel, flt.steps)
    elif any(step.skip_if_none for step in flt.steps[:-1]):  # only then does staffing matter
        works = [a for a, s in roster if s.available and a.capacity.get(req.channel, fallback) > 0]
        staffed = [any(step.admits(a.email, a.queues) for a in works) for step in flt.steps]
    index, step = current_step(flt, req.waited_s, staffed)
    if step.min_level:
        req = replace(req, skills={k: max(v, step.min_level) for k, v in req.skills.items()})
    last: tuple[AgentProfile, AgentState] | None = None  # the customer's previous agent, when eligible
    ranked: tuple[int, ...]
    if indexed is not None:
        ids, excluded = indexed.eligible(req, step)
        if req.last_agent_id is not None and req.last_agent_id in ids:
            last = indexed.get(req.last_agent_id)
        top = last or indexed.best(ids, req, fairness)
        count, ranked = len(ids), ((top[0].id,) if top else ())  # live, only the pick: nobody reads the rest
    else:
        eligible, excluded = _scan(roster, req, step, fallback, default_capacity, fairness)
        count, ranked = len(eligible), tuple(a.id for a, _ in eligible)
        last = next(((a, s) for a, s in eligible if a.id == req.last_agent_id), None)
        top = last or (eligible[0] if eligible else None)
    needs = ", ".join(f"{s}≥{lvl}" for s, lvl in sorted(req.skills.items())) or "no particular skill"
    lang = f", language {req.language}" if req.language else ""
    reasons = [f"needs {needs}{lang} on {req.channel} for a {req.tier} customer"]
    if filters:
        reasons.append(_policy_line(flt, index, step))
    skipped = "; ".join(f"{n} {why}" for why, n in sorted(excluded.items()))
    if req.last_agent_id is not None and last is None and req.hold_for_last_s > 0:
        reasons.append(f"holding up to {req.hold_for_last_s:.0f} s more for the agent who served this customer last")
        return Decision(None, tuple(reasons))
    if top is None:
        reasons.append(f"nobody eligible ({skipped or 'no agents'}); waiting in queue")
        return Decision(None, tuple(reasons))

    chosen, state = top
    if last is not None:
        reasons.append(f"{chosen.name} served this customer last time and is available")
    else:
        fit = ", ".join(f"{s} {chosen.skills.get(s, 0)}" for s in sorted(req.skills)) or "no skill needed"
        cap = chosen.capacity.get(req.channel, fallback)
        share = load_share(chosen, state, default_capacity)
        idle = f", idle since {state.idle_since:%H:%M:%S}" if state.idle_since else ""
        reasons.append(
            f"{chosen.name}: fairest pick, {share:.0%} of capacity in use{idle} "
            f"({state.load.get(req.channel, 0)}/{cap} {req.channel}; skill fit {fit}), first of {count} eligible"
        )
    if skipped:
        reasons.append(f"not eligible: {skipped}")
    return Decision(chosen.id, tuple(reasons), ranked)
