"""The simulator's figures: service level per tier and channel, waits by skill, transfers, occupancy spread.

Spread is p90 - p10 of occupancy among agents in the same pool, a pool being the agents who may take
the same contacts skill levels aside (same channels worked, languages and tiers served); the reported
figure is the worst pool with at least 5 agents, and max - min is given beside it. Its resolution is one
contact: `occupancy_contact_points` is what one contact adds to an agent's occupancy (median over agents). Over
a short window that step is large (a 4-minute call is 6.7 points of an hour, 0.8 of an 8-hour day), and how many
long contacts each agent happened to draw decides the spread, whatever the routing: measure whole days.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from hub.routing.floor import Contact

if TYPE_CHECKING:
    from hub.routing.simulate import Simulation

MIN_POOL = 5


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def service(mine: list[Contact], sl_s: float) -> dict[str, Any]:
    waits = [c.answered_at - c.t for c in mine if c.answered_at is not None]
    return {
        "contacts": len(mine),
        "within_sl_percent": round(100 * sum(w <= sl_s for w in waits) / max(1, len(mine)), 1),
        "abandoned": sum(c.abandoned for c in mine),
        "wait_p50_s": pct(waits, 0.5),
        "wait_p90_s": pct(waits, 0.9),
    }


def report(sim: Simulation) -> dict[str, Any]:
    trace, floor, config, sl_s = sim.trace, sim.floor, sim.config, sim.opts.sl_s
    tiers: dict[str, Any] = {}
    for tier in sorted({c.tier for c in trace}, key=lambda t: (-config.tier_weight(t), t)):
        mine = [c for c in trace if c.tier == tier]
        row = service(mine, sl_s)
        row["channels"] = {
            ch: service([c for c in mine if c.channel == ch], sl_s) for ch in sorted({c.channel for c in mine})
        }
        tiers[tier] = row
    channels = {ch: service([c for c in trace if c.channel == ch], sl_s) for ch in sorted({c.channel for c in trace})}
    by_skill: dict[str, list[Contact]] = defaultdict(list)
    for c in trace:
        for skill in sorted(c.needs or c.skills) or ["(none)"]:  # what the contact really needed
            by_skill[skill].append(c)
    judged = [c.best_skilled for c in trace if c.best_skilled is not None]
    answered = [c for c in trace if c.answered_at is not None]
    transfer_waits = [w for c in trace for w in c.transfer_waits]
    return {
        "contacts": len(trace),
        "agents": len(floor.agents),
        "day_s": round(floor.day_s),
        "sl_seconds": sl_s,
        "tiers": tiers,
        "channels": channels,
        "waits_by_skill": {s: service(cs, sl_s) for s, cs in sorted(by_skill.items())},
        "best_skilled_percent": round(100 * sum(judged) / max(1, len(judged)), 1),
        "transfers": sum(c.transfers for c in trace),
        "transfer_percent": round(100 * sum(c.transfers > 0 for c in answered) / max(1, len(answered)), 1),
        "transfer_wait_p90_s": pct(transfer_waits, 0.9),
        "offers": dict(sim.offers),
        "max_waiting": sim.max_waiting,
        **occupancy(sim),
    }


def occupancy(sim: Simulation) -> dict[str, Any]:
    floor = sim.floor
    occ = {a.profile.id: 100 * a.busy_s / a.staffed_s for a in floor.agents.values() if a.staffed_s > 0}
    pools: dict[str, list[float]] = defaultdict(list)
    channels = sorted({c.channel for c in sim.trace})
    for a in floor.agents.values():
        p = a.profile
        works = [ch for ch in channels if p.capacity.get(ch, floor.capacity.get(ch, 1)) > 0]
        key = f"{'+'.join(works)} / {'+'.join(sorted(p.languages))} / {'+'.join(sorted(p.tiers)) or 'all tiers'}"
        if p.id in occ:
            pools[key].append(occ[p.id])
    pool_rows = {
        k: {"agents": len(v), "mean": round(statistics.fmean(v), 1), "p10": pct(v, 0.1), "p90": pct(v, 0.9),
            "spread_p90_p10": round(pct(v, 0.9) - pct(v, 0.1), 1), "spread_max_min": round(max(v) - min(v), 1)}
        for k, v in sorted(pools.items())
    }  # fmt: skip
    judged = [r for r in pool_rows.values() if r["agents"] >= MIN_POOL]
    contacts = sorted((a.contacts for a in floor.agents.values()), reverse=True)
    top = contacts[: max(1, len(contacts) // 10)]
    values = list(occ.values())
    # What one contact adds to an agent's occupancy: the spread's resolution (see the module docstring).
    steps = [100 * a.busy_s / a.contacts / a.staffed_s for a in floor.agents.values() if a.contacts and a.staffed_s]
    return {
        "occupancy_percent": {
            "mean": round(statistics.fmean(values), 1) if values else 0.0,
            "min": round(min(values, default=0), 1),
            "p10": pct(values, 0.1),
            "p50": pct(values, 0.5),
            "p90": pct(values, 0.9),
            "max": round(max(values, default=0), 1),
        },
        "occupancy_spread_points": max((r["spread_p90_p10"] for r in judged), default=0.0),
        "occupancy_spread_max_min_points": max((r["spread_max_min"] for r in judged), default=0.0),
        "pools": pool_rows,
        "occupancy_contact_points": pct(steps, 0.5),
        "contacts_per_agent": round(sum(contacts) / max(1, len(contacts)), 1),
        "agents_without_contact": sum(1 for n in contacts if n == 0),
        "busiest_10pct_share_percent": round(100 * sum(top) / max(1, sum(contacts)), 1),
    }
