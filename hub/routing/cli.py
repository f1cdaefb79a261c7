"""`hub routing simulate` and `hub routing sample`: try a policy on a day of contacts before it goes live."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from hub.routing.config import load_routing


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    routing = sub.add_parser("routing", help="routing policy tools")
    routing_sub = routing.add_subparsers(dest="routing_command", required=True)
    sim = routing_sub.add_parser(
        "simulate", help="replay a day of contacts against a policy: a scenario, or a trace and a roster"
    )
    sim.add_argument("--policy", default="config/routing.toml", help="a routing.toml (default config/routing.toml)")
    sim.add_argument(
        "--scenario", help="a scenario .toml (default, without --trace: config/simulation/large_centre.toml)"
    )
    sim.add_argument("--load", type=float, default=1.0, help="scale the scenario's arrivals (default 1.0)")
    sim.add_argument("--seed", type=int, help="the scenario's random seed (default: the file's)")
    sim.add_argument("--trace", help="JSONL arrivals: t, channel, tier, skills, needs, handle_s, patience_s")
    sim.add_argument("--roster", help="JSON list of agents: skills, languages, capacity, tiers, queues")
    sim.add_argument("--decline", type=float, default=0.03, help="chance an offer is declined (default 0.03)")
    sim.add_argument("--miss", type=float, default=0.02, help="chance an offer is missed (default 0.02)")
    sim.add_argument("--away-seconds", type=float, default=120.0, help="away after a missed offer (default 120)")
    sim.add_argument("--sl-seconds", type=float, default=20.0, help="service-level threshold (default 20 s)")
    sample = routing_sub.add_parser("sample", help="write a synthetic roster.json and trace.jsonl")
    sample.add_argument("directory")
    sample.add_argument("--agents", type=int, default=40)
    sample.add_argument("--hours", type=float, default=1.0)
    sample.add_argument("--rate", type=float, default=0.1, help="arrivals per second (bursts are 10x)")


def run(args: argparse.Namespace) -> str:
    # The simulator and its workloads: imported by this command, not by every `hub` command (`hub serve` too)
    # that builds the parser.
    from hub.routing.scenario import LARGE_CENTRE, load_scenario
    from hub.routing.scenario import make_roster as scenario_roster
    from hub.routing.scenario import make_trace as scenario_trace
    from hub.routing.simulate import TraceError, contacts, load_roster_file, load_trace, profiles, simulate
    from hub.routing.workload import make_roster, make_trace, write

    if args.routing_command == "sample":
        roster = make_roster(args.agents)
        trace = make_trace(args.hours * 3600, args.rate, args.rate * 10)
        paths = write(Path(args.directory), roster, trace)
        return f"wrote {len(roster)} agents to {paths[0]} and {len(trace)} contacts to {paths[1]}"
    config = load_routing(Path(args.policy))
    opts: dict[str, Any] = {"decline": args.decline, "miss": args.miss, "away_s": args.away_seconds}
    if args.trace or args.roster:
        if not (args.trace and args.roster) or args.scenario:
            raise TraceError("give --trace and --roster together, or a --scenario")
        report = simulate(
            config, load_roster_file(Path(args.roster)), load_trace(Path(args.trace)), args.sl_seconds, **opts
        )
    else:
        sc = load_scenario(Path(args.scenario) if args.scenario else LARGE_CENTRE)
        seed = args.seed if args.seed is not None else int(sc.get("seed", 1))
        opts.update(seed=seed, day_s=float(sc["hours"]) * 3600)
        agents, day = profiles(scenario_roster(sc, seed)), contacts(scenario_trace(sc, args.load, seed))
        report = simulate(config, agents, day, args.sl_seconds, **opts)
    return "\n".join([*summary(report), json.dumps(report, ensure_ascii=False)])


def summary(report: dict[str, Any]) -> list[str]:
    """The report in lines a person reads: service level by tier and channel, skills, spread."""
    sl = f"{report['sl_seconds']:g} s"
    lines = [f"{report['contacts']} contacts, {report['agents']} agents, {report['day_s'] / 3600:.1f} h"]
    for tier, row in report["tiers"].items():
        per = "  ".join(f"{ch} {r['within_sl_percent']:.1f}%" for ch, r in row["channels"].items())
        lines.append(
            f"  {tier:<8} {row['contacts']:>6} contacts  {row['within_sl_percent']:5.1f}% within {sl}  "
            f"wait p90 {row['wait_p90_s']:.0f} s  abandoned {row['abandoned']}  ({per})"
        )
    skills = "  ".join(f"{s} {r['within_sl_percent']:.0f}%" for s, r in report["waits_by_skill"].items())
    lines.append(f"  by skill, within {sl}: {skills}")
    occ, offers = report["occupancy_percent"], report["offers"]
    lines.append(
        f"  best-skilled agent {report['best_skilled_percent']}%  transfers {report['transfers']} "
        f"({report['transfer_percent']}%)  offers {offers['made']} (declined {offers['declined']}, "
        f"missed {offers['missed']})  most waiting at once {report['max_waiting']}"
    )
    lines.append(
        f"  occupancy {occ['min']}-{occ['max']}% (mean {occ['mean']}%), spread within pools "
        f"{report['occupancy_spread_points']} points p90-p10 ({report['occupancy_spread_max_min_points']} max-min; "
        f"one contact {report['occupancy_contact_points']} points, {report['contacts_per_agent']} per agent), "
        f"{report['agents_without_contact']} agents without a contact, busiest 10% took "
        f"{report['busiest_10pct_share_percent']}% of contacts"
    )
    return lines
