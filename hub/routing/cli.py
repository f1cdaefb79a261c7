"""`hub routing simulate` and `hub routing sample`: try a policy on a trace before it goes live."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from hub.routing.config import load_routing
from hub.routing.simulate import load_roster_file, load_trace, simulate
from hub.routing.workload import make_roster, make_trace, write


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    routing = sub.add_parser("routing", help="routing policy tools")
    routing_sub = routing.add_subparsers(dest="routing_command", required=True)
    sim = routing_sub.add_parser("simulate", help="replay an arrival trace against a policy and a roster")
    sim.add_argument("--policy", required=True, help="a routing.toml")
    sim.add_argument("--trace", required=True, help="JSONL arrivals: t, channel, tier, skills, handle_s, ...")
    sim.add_argument("--roster", required=True, help="JSON list of agents: skills, languages, capacity, ...")
    sim.add_argument("--sl-seconds", type=float, default=20.0, help="service-level threshold (default 20 s)")
    sample = routing_sub.add_parser("sample", help="write a synthetic roster.json and trace.jsonl")
    sample.add_argument("directory")
    sample.add_argument("--agents", type=int, default=40)
    sample.add_argument("--hours", type=float, default=1.0)
    sample.add_argument("--rate", type=float, default=0.1, help="arrivals per second (bursts are 10x)")


def run(args: argparse.Namespace) -> str:
    if args.routing_command == "sample":
        roster = make_roster(args.agents)
        trace = make_trace(args.hours * 3600, args.rate, args.rate * 10)
        paths = write(Path(args.directory), roster, trace)
        return f"wrote {len(roster)} agents to {paths[0]} and {len(trace)} contacts to {paths[1]}"
    config = load_routing(Path(args.policy))
    report = simulate(config, load_roster_file(Path(args.roster)), load_trace(Path(args.trace)), args.sl_seconds)
    lines = [f"{report['contacts']} contacts, {report['agents']} agents"]
    for tier, row in report["tiers"].items():
        within = next(v for k, v in row.items() if k.startswith("answered_within"))
        lines.append(
            f"  {tier:<9} {row['contacts']:>6} contacts  {within:5.1f}% within {args.sl_seconds:g} s  "
            f"wait p50 {row['wait_p50_s']:.0f} s  p90 {row['wait_p90_s']:.0f} s  abandoned {row['abandoned']}"
        )
    occ = report["occupancy_percent"]
    lines.append(
        f"  right skill {report['right_skill_percent']}%  occupancy {occ['min']}-{occ['max']}% (sd {occ['stdev']})"
    )
    return "\n".join([*lines, json.dumps(report, ensure_ascii=False)])
