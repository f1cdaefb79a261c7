"""`hub routing simulate`: the sample trace and a scenario through the CLI, and the live semantics it replays."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from hub.cli import main
from hub.routing.config import RoutingConfig, parse_routing
from hub.routing.fairness import Fairness
from hub.routing.model import AgentProfile
from hub.routing.simulate import Contact, Options, Simulation, simulate

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "config" / "simulation"
VOICE = "voice.twilio"


def test_simulate_the_sample_trace_from_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "routing", "simulate", "--policy", str(ROOT / "config" / "routing.toml"),
            "--trace", str(SAMPLE / "trace.jsonl"), "--roster", str(SAMPLE / "roster.json"),
        ]
    )  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    report = json.loads(out[-1])
    lines = sum(1 for line in (SAMPLE / "trace.jsonl").read_text().splitlines() if line.strip())
    assert report["contacts"] == lines and report["agents"] == 40
    assert set(report["tiers"]) == {"diamond", "gold", "silver", "general"}
    assert sum(t["contacts"] for t in report["tiers"].values()) == lines
    assert sum(c["contacts"] for c in report["channels"].values()) == lines
    assert 0 < report["best_skilled_percent"] < 100  # fair routing does not always pick the strongest
    assert any("% within 20 s" in line for line in out) and any("spread within pools" in line for line in out)


def test_a_scenario_from_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "config" / "simulation" / "large_centre.toml").read_text(encoding="utf-8")
    small = (
        text.replace("hours = 8", "hours = 0.5")
        .replace("agents = 80", "agents = 8")
        .replace("agents = 60", "agents = 6")
    )
    small = small.replace("agents = 40", "agents = 4").replace("agents = 20", "agents = 2")
    scenario = tmp_path / "small.toml"
    scenario.write_text(small.replace("contacts_per_hour = 2600", "contacts_per_hour = 260"), encoding="utf-8")
    assert main(["routing", "simulate", "--scenario", str(scenario), "--seed", "5", "--miss", "0.2"]) == 0
    report = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert report["agents"] == 20 and report["day_s"] == 1800 and report["contacts"] > 50
    assert report["offers"]["missed"] > 0 and set(report["channels"]) == {VOICE, "webchat", "wechat", "email"}
    assert report["pools"] and all(0 <= p["spread_max_min"] <= 100 for p in report["pools"].values())


def test_bad_trace_line_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trace = tmp_path / "t.jsonl"
    trace.write_text('{"t": 1, "channel": "email", "handle_s": 60}\n{"t": "soon"}\n', encoding="utf-8")
    code = main(["routing", "simulate", "--trace", str(trace), "--roster", str(SAMPLE / "roster.json")])
    assert code == 1 and "t.jsonl:2" in capsys.readouterr().err


def agents(n: int, channel: str = "email", cap: int = 1, **levels: int) -> list[AgentProfile]:
    return [
        AgentProfile(i, f"a{i}", {"billing": levels.get(f"a{i}", 3)}, frozenset({"en"}), {channel: cap},
                     email=f"a{i}@x.test", queues=frozenset({"vip"}) if i == 1 else frozenset())
        for i in range(1, n + 1)
    ]  # fmt: skip


def contacts(n: int, tier: str, every: float = 1.0, channel: str = "email", handle: float = 30.0) -> list[Contact]:
    return [Contact(i, i * every, channel, tier, {"billing": 2}, "en", handle, None) for i in range(n)]


def test_a_policy_change_shows_in_the_waits() -> None:
    roster = agents(3)
    open_policy = parse_routing({}, "open")
    desk_only = parse_routing(
        {"filters": [{"name": "desk", "when": {"tier": "general"}, "steps": [{"queue": "vip", "timeout_s": 120}, {}]}]},
        "desk",
    )
    before = simulate(open_policy, roster, contacts(60, "general"), 20)["tiers"]["general"]
    after = simulate(desk_only, roster, contacts(60, "general"), 20)["tiers"]["general"]
    # Three agents answer one email every 30 s each as they arrive every second: a queue builds either way,
    # but sending everything to the one desk agent for two minutes makes it much longer.
    assert after["wait_p50_s"] > before["wait_p50_s"]
    assert after["within_sl_percent"] < before["within_sl_percent"]


def test_a_full_desk_agent_keeps_the_desk_staffed_as_live() -> None:
    # The desk's only agent is busy: live, a full agent is present, so the diamond contact waits out the desk
    # step (30 s) instead of skipping it; the simulator must do the same.
    policy = parse_routing(
        {"filters": [{"name": "vip", "when": {"tier": "diamond"},
                      "steps": [{"queue": "vip", "timeout_s": 30, "skip_if_none": True}, {}]}]},
        "vip",
    )  # fmt: skip
    trace = [
        Contact(1, 0.0, "email", "gold", {}, "en", 100.0, None),
        Contact(2, 1.0, "email", "diamond", {}, "en", 10.0, None),
    ]
    sim = Simulation(policy, agents(2), trace, Options())
    sim.run()
    assert trace[0].agent is None and trace[1].answered_at == 31.0  # at the second step, 30 s after arriving


def test_wrap_up_and_offers_follow_the_policy() -> None:
    config = parse_routing({"after_contact": {VOICE: 30}, "offers": {VOICE: 20, "reoffer_after_seconds": 60}}, "p")
    calls = [
        Contact(1, 0.0, VOICE, "gold", {}, "en", 60.0, None),
        Contact(2, 62.0, VOICE, "gold", {}, "en", 60.0, None),
    ]
    sim = Simulation(config, agents(1, VOICE), calls, Options(accept_s=2.0))
    report = sim.run()
    # Answered 2 s after the offer; the first call ends at 62 s and its wrap-up at 92 s: only then is the
    # second offered (the agent was present but in after-contact work).
    assert calls[0].answered_at == 2.0 and calls[1].answered_at == 94.0
    assert report["offers"] == {"made": 2, "declined": 0, "missed": 0}
    declined = [Contact(1, 0.0, VOICE, "gold", {}, "en", 60.0, 100.0)]
    report = Simulation(config, agents(2, VOICE), declined, Options(decline=1.0)).run()
    # Every offer declined: both agents pass, each is passed over for 60 s, then offered again until the
    # customer gives up.
    assert report["offers"]["declined"] >= 3 and declined[0].abandoned and declined[0].excluded.keys() == {1, 2}


def test_a_missed_offer_sets_the_agent_away_and_away_is_not_staffed() -> None:
    config = parse_routing({"offers": {VOICE: 20}}, "p")
    calls = [Contact(1, 0.0, VOICE, "gold", {}, "en", 60.0, 500.0)]
    sim = Simulation(config, agents(2, VOICE), calls, Options(miss=1.0, away_s=300.0, day_s=600.0))
    sim.run()
    # Agent 1 rings first and misses (20 s staffed), is away 300 s, misses again on return (20 s more) and is
    # away past the end of the 600 s day: 40 s staffed.
    assert sim.floor.agents[1].staffed_s == pytest.approx(40)
    assert sim.offers["missed"] >= 2 and calls[0].answered_at is None and calls[0].abandoned


def test_transfers_when_the_agent_falls_short() -> None:
    weak_and_strong = agents(2, a1=2, a2=5)
    hard = Contact(1, 0.0, "email", "gold", {"billing": 2}, "en", 40.0, None, needs={"billing": 4})
    sim = Simulation(RoutingConfig(), weak_and_strong, [hard], Options())
    report = sim.run()
    # Both are eligible and idle; the tie goes to the better fit, so it is the strong agent: no transfer.
    assert report["transfers"] == 0 and report["best_skilled_percent"] == 100.0
    # Now the strong agent is busy with work only they can do: the weak one takes it and passes it on half-way.
    hard = Contact(2, 1.0, "email", "gold", {"billing": 2}, "en", 40.0, None, needs={"billing": 4})
    busy_strong = [Contact(1, 0.0, "email", "gold", {"billing": 5}, "en", 200.0, None), hard]
    report = Simulation(RoutingConfig(), weak_and_strong, busy_strong, Options()).run()
    assert report["transfers"] == 1 and hard.transfer_waits == [200.0 - 21.0] and hard.agent is None


def test_fair_routing_spreads_work_and_skill_weight_concentrates_it() -> None:
    roster = agents(10, VOICE, a1=5, a2=5)  # two strong agents, eight at level 3
    fair = simulate(RoutingConfig(), roster, contacts(400, "general", every=9.0, channel=VOICE, handle=60.0))
    weighted = RoutingConfig(fairness=Fairness(skill_seconds=3600))
    skilled = simulate(weighted, roster, contacts(400, "general", every=9.0, channel=VOICE, handle=60.0))
    assert fair["agents_without_contact"] == 0 and fair["occupancy_spread_max_min_points"] < 10
    assert skilled["occupancy_spread_max_min_points"] > fair["occupancy_spread_max_min_points"]
    assert skilled["best_skilled_percent"] > fair["best_skilled_percent"]


def test_occupancy_spread_is_measured_in_contacts_so_a_short_window_is_coarse() -> None:
    """The same routing over an hour and over a day: one 4-minute call is 6.7 points of an agent's hour and
    0.8 of their day, and over an hour how many long calls each agent drew decides most of the spread."""
    roster = agents(10, VOICE)

    def calls(seconds: float) -> list[Contact]:  # a call every 48 s, log-normal around 4 minutes (seeded)
        rng = random.Random(1)
        mean = math.log(240) - 0.6**2 / 2
        return [Contact(i, i * 48.0, VOICE, "general", {}, "en", rng.lognormvariate(mean, 0.6), None)
                for i in range(int(seconds // 48))]  # fmt: skip

    hour = simulate(RoutingConfig(), roster, calls(3600), day_s=3600.0)
    day = simulate(RoutingConfig(), roster, calls(8 * 3600), day_s=8 * 3600.0)
    assert hour["occupancy_contact_points"] == pytest.approx(6.7, abs=1.5)
    assert day["occupancy_contact_points"] == pytest.approx(0.83, abs=0.15)
    assert day["contacts_per_agent"] == pytest.approx(8 * hour["contacts_per_agent"], rel=0.05)
    assert hour["occupancy_spread_points"] > 1.5 * day["occupancy_spread_points"]
