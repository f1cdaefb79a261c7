"""Synthetic contact-centre workloads for the simulator and the routing benchmark: a roster and a day of arrivals.

Seeded, so a run is reproducible. Skills follow a long tail (a few common, many rare), agents hold
several at mixed levels, tiers are few at the top (5% diamond, 15% gold, 30% silver, 50% general), and
arrivals come at a base rate with bursts.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

TIERS = (("diamond", 0.05), ("gold", 0.15), ("silver", 0.30), ("general", 0.50))
CHANNELS = (("webchat", 0.35, 300), ("email", 0.30, 600), ("voice.twilio", 0.20, 240), ("wechat", 0.15, 300))
CAPACITY = {"webchat": 3, "email": 5, "voice.twilio": 1, "wechat": 3}


def skill_names(n: int) -> list[str]:
    return [f"skill{i:02d}" for i in range(n)]


def _popular(rng: random.Random, skills: list[str]) -> str:
    # Zipf-like: skill k is asked for about 1/(k+1) as often as the first.
    return rng.choices(skills, weights=[1 / (k + 1) for k in range(len(skills))])[0]


def make_roster(agents: int, skills: int = 50, queues: int = 20, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)  # noqa: S311 - reproducible workloads, not secrets
    names = skill_names(skills)
    roster = []
    for i in range(1, agents + 1):
        # Everyone covers the general work (skill00 at 3+); specialists add a few rarer skills.
        held = {names[0]: rng.randint(3, 5)}
        for _ in range(rng.randint(2, 6)):
            held[_popular(rng, names)] = rng.randint(2, 5)
        roster.append(
            {
                "id": i,
                "name": f"agent{i}",
                "email": f"agent{i}@example.test",
                "skills": held,
                "languages": ["en", "zh"] if rng.random() < 0.6 else ["en"],
                "capacity": CAPACITY,
                "queues": [f"q{rng.randrange(queues):02d}"],
            }
        )
    return roster


def make_trace(
    duration_s: float, rate_per_s: float, burst_rate_per_s: float, skills: int = 50, seed: int = 11
) -> list[dict[str, Any]]:
    """Arrivals at `rate_per_s`, with one 60-second burst at `burst_rate_per_s` every 15 minutes."""
    rng = random.Random(seed)  # noqa: S311 - reproducible workloads, not secrets
    names = skill_names(skills)
    t, trace = 0.0, []
    while t < duration_s:
        bursting = (t % 900) < 60
        t += rng.expovariate(burst_rate_per_s if bursting else rate_per_s)
        channel, _, handle = rng.choices(CHANNELS, weights=[c[1] for c in CHANNELS])[0]
        needs = {names[0]: 2} if rng.random() < 0.7 else {_popular(rng, names[1:]): rng.randint(1, 3)}
        trace.append(
            {
                "t": round(t, 3),
                "channel": channel,
                "tier": rng.choices([n for n, _ in TIERS], weights=[w for _, w in TIERS])[0],
                "skills": needs,
                "language": "zh" if rng.random() < 0.3 else "en",
                "handle_s": round(rng.expovariate(1 / handle), 1),
                "patience_s": 600 if channel in ("webchat", "voice.twilio") else None,
            }
        )
    return trace


def write(directory: Path, roster: list[dict[str, Any]], trace: list[dict[str, Any]]) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    roster_path, trace_path = directory / "roster.json", directory / "trace.jsonl"
    roster_path.write_text(json.dumps(roster, indent=1) + "\n", encoding="utf-8")
    trace_path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in trace), encoding="utf-8")
    return roster_path, trace_path
