"""A simulated day described as data (config/simulation/large_centre.toml): pools of agents, a daily
arrival curve, channel and tier mix, needs; turned into a roster and a trace, seeded so runs repeat.

Arrivals are Poisson at `contacts_per_hour` x load x the hour's factor of `hourly_curve`; handle times
are log-normal around each channel's mean; patience is exponential around its mean (none for email).
A share `hidden_share` of contacts really need one or two levels more than routing detects (or a skill
it does not detect at all): they show up as transfers when the answering agent falls short.
"""

from __future__ import annotations

import math
import random
import tomllib
from pathlib import Path
from typing import Any

from hub.routing.simulate import TraceError

LARGE_CENTRE = Path(__file__).resolve().parents[2] / "config" / "simulation" / "large_centre.toml"


class ScenarioError(TraceError):
    pass


def load_scenario(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioError(f"{path}: {exc}") from None
    for key in ("hours", "contacts_per_hour", "hourly_curve", "tiers", "channels", "pools", "needs"):
        if key not in data:
            raise ScenarioError(f"{path}: {key} is missing")
    return data


def _pick(rng: random.Random, shares: dict[str, float]) -> str:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def make_roster(sc: dict[str, Any], seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)  # noqa: S311 - reproducible workloads, not secrets
    demand = {n["skill"]: float(n["share"]) for n in sc["needs"]}
    roster: list[dict[str, Any]] = []
    for pool in sc["pools"]:
        low, high = pool.get("levels", [2, 5])
        for k in range(int(pool["agents"])):
            i = len(roster) + 1
            langs = ["en", "zh"] if k < round(pool.get("bilingual", 0.0) * pool["agents"]) else ["en"]
            skills: dict[str, int] = {}
            for _ in range(rng.randint(*pool.get("skills", [2, 4]))):
                skills[_pick(rng, demand)] = rng.randint(low, high)
            roster.append(
                {
                    "id": i,
                    "name": f"{pool['name']} {k + 1}",
                    "email": f"agent{i}@example.test",
                    "skills": skills,
                    "languages": langs,
                    "capacity": dict(pool["capacity"]),
                    "tiers": list(pool.get("tiers", [])),
                    "queues": list(pool.get("queues", [])),
                }
            )
    return roster


def make_trace(sc: dict[str, Any], load: float, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed + 1)  # noqa: S311 - reproducible workloads, not secrets
    curve = [float(x) for x in sc["hourly_curve"]]
    hours = float(sc["hours"])
    channels = sc["channels"]
    needs = {f"{n['skill']}:{n['level']}": float(n["share"]) for n in sc["needs"]}
    needs["-"] = max(0.0, 1 - sum(needs.values()))
    skills = [n["skill"] for n in sc["needs"]]
    sigma = 0.6
    t, trace = 0.0, list[dict[str, Any]]()
    while True:
        rate = float(sc["contacts_per_hour"]) * load * curve[min(len(curve) - 1, int(t // 3600))] / 3600
        t += rng.expovariate(rate)
        if t >= hours * 3600:
            return trace
        name = _pick(rng, {k: float(v["share"]) for k, v in channels.items()})
        ch = channels[name]
        picked = _pick(rng, needs)
        seen = {} if picked == "-" else {picked.split(":")[0]: int(picked.split(":")[1])}
        real = dict(seen)
        if rng.random() < float(sc.get("hidden_share", 0.0)):
            if seen:
                skill = next(iter(seen))
                real[skill] = min(5, seen[skill] + rng.randint(1, 2))
            else:
                real[rng.choice(skills)] = 2
        mean = float(ch["handle_s"])
        patience = ch.get("patience_s")
        trace.append(
            {
                "t": round(t, 3),
                "channel": name,
                "tier": _pick(rng, {k: float(v) for k, v in sc["tiers"].items()}),
                "skills": seen,
                "needs": real if real != seen else None,
                "language": _pick(rng, {k: float(v) for k, v in ch.get("languages", sc["languages"]).items()}),
                "handle_s": round(rng.lognormvariate(math.log(mean) - sigma**2 / 2, sigma), 1),
                "patience_s": round(rng.expovariate(1 / float(patience)), 1) if patience else None,
            }
        )
