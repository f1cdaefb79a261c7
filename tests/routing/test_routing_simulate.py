"""`hub routing simulate`: the sample trace through the CLI, a policy change visible before it goes live."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hub.cli import main
from hub.routing.config import parse_routing
from hub.routing.model import AgentProfile
from hub.routing.simulate import Contact, simulate

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "config" / "simulation"


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
    assert report["right_skill_percent"] == 100.0
    assert sum(t["contacts"] for t in report["tiers"].values()) == lines
    assert any("% within 20 s" in line for line in out)


def test_bad_trace_line_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trace = tmp_path / "t.jsonl"
    trace.write_text('{"t": 1, "channel": "email", "handle_s": 60}\n{"t": "soon"}\n', encoding="utf-8")
    code = main(
        [
            "routing",
            "simulate",
            "--policy",
            "config/routing.toml",
            "--trace",
            str(trace),
            "--roster",
            str(SAMPLE / "roster.json"),
        ]
    )
    assert code == 1 and "t.jsonl:2" in capsys.readouterr().err


def contacts(n: int, tier: str) -> list[Contact]:
    return [Contact(i, float(i), "email", tier, {"billing": 2}, "en", 30.0, None) for i in range(n)]


def test_a_policy_change_shows_in_the_waits() -> None:
    roster = [
        AgentProfile(
            i,
            f"a{i}",
            {"billing": 3},
            frozenset({"en"}),
            {"email": 1},
            queues=frozenset({"vip"}) if i == 1 else frozenset(),
        )
        for i in range(1, 4)
    ]
    open_policy = parse_routing({}, "open")
    desk_only = parse_routing(
        {"filters": [{"name": "desk", "when": {"tier": "general"}, "steps": [{"queue": "vip", "timeout_s": 120}, {}]}]},
        "desk",
    )
    trace = contacts(60, "general")
    before = simulate(open_policy, roster, trace, 20)["tiers"]["general"]
    after = simulate(
        desk_only,
        roster,
        [Contact(c.id, c.t, c.channel, c.tier, c.skills, c.language, c.handle_s, None) for c in trace],
        20,
    )["tiers"]["general"]
    # Three agents answer one email every 30 s each as they arrive every second: a queue builds either way,
    # but sending everything to the one desk agent for two minutes makes it much longer.
    assert after["wait_p50_s"] > before["wait_p50_s"]
    assert after["answered_within_20s_percent"] < before["answered_within_20s_percent"]
