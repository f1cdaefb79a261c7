"""The fairness rule: eligible by skill, then least loaded, longest idle, an optional bounded skill credit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.routing.config import RoutingConfigError, load_routing, parse_routing
from hub.routing.decide import decide
from hub.routing.fairness import Fairness, load_share
from hub.routing.model import AgentProfile, AgentState, RouteRequest
from hub.routing.policy import Filter, Step

CAP = {"email": 5, "webchat": 3, "voice.twilio": 1}
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def agent(i: int, level: int, capacity: dict[str, int] | None = None, queues: tuple[str, ...] = ()) -> AgentProfile:
    return AgentProfile(i, f"a{i}", {"billing": level}, frozenset({"en"}), capacity or {}, queues=frozenset(queues))


def test_a_less_loaded_agent_beats_a_stronger_busier_one() -> None:
    req = RouteRequest(1, "webchat", "gold", {"billing": 2})
    roster = [
        (agent(1, 5), AgentState(True, {"webchat": 1}, T0)),  # strongest, one chat of three
        (agent(2, 2), AgentState(True, {}, T0 + timedelta(minutes=3))),  # weakest, idle for less time
        (agent(3, 3), AgentState(True, {}, T0)),  # idle longest
        (agent(4, 4), AgentState(True, {"email": 1}, T0)),  # an email open counts too: a fifth busy
    ]
    d = decide(req, roster, CAP)
    assert d.ranked == (3, 2, 4, 1)
    assert "a3: fairest pick, 0% of capacity in use, idle since 09:00:00" in d.reasons[-1]
    assert load_share(roster[3][0], roster[3][1], CAP) == pytest.approx(0.2)


def test_skill_credit_is_worth_idle_seconds_and_never_outranks_load() -> None:
    req = RouteRequest(1, "email", "gold", {"billing": 2})
    roster = [
        (agent(1, 2), AgentState(True, {}, T0)),
        (agent(2, 5), AgentState(True, {}, T0 + timedelta(seconds=50))),  # 3 levels above: 2 count
        (agent(3, 5), AgentState(True, {"email": 1}, T0 - timedelta(hours=1))),
    ]
    assert decide(req, roster, CAP).ranked == (1, 2, 3)
    assert decide(req, roster, CAP, fairness=Fairness(skill_seconds=30)).ranked == (2, 1, 3)  # 60 s credit > 50
    assert decide(req, roster, CAP, fairness=Fairness(skill_seconds=30, skill_levels=1)).ranked == (1, 2, 3)
    tied = [(agent(1, 2), AgentState(True)), (agent(2, 4), AgentState(True))]
    assert decide(req, tied, CAP).agent_id == 2  # equally loaded and idle: the better fit


def test_a_desk_is_staffed_by_agents_who_work_the_channel_even_when_full() -> None:
    desk = Filter("vip", {"tier": frozenset({"diamond"})}, (Step(queue="vip", timeout_s=60, skip_if_none=True), Step()))
    req = RouteRequest(1, "voice.twilio", "diamond", {"billing": 2})
    on_a_call = [(agent(1, 5, queues=("vip",)), AgentState(True, {"voice.twilio": 1})), (agent(2, 3), AgentState(True))]
    assert decide(req, on_a_call, CAP, [desk]).agent_id is None  # present, full: the desk is staffed, wait
    no_phone = [(agent(1, 5, {"voice.twilio": 0}, ("vip",)), AgentState(True)), (agent(2, 3), AgentState(True))]
    assert decide(req, no_phone, CAP, [desk]).agent_id == 2  # the desk agent takes no calls: not staffed for one


def test_fairness_table_is_checked(tmp_path: Path) -> None:
    shipped = load_routing(Path(__file__).resolve().parents[2] / "config" / "routing.toml").fairness
    assert shipped.skill_levels >= 0 and shipped.skill_seconds >= 0
    assert parse_routing({"fairness": {"skill_seconds": 45}}, "t").fairness == Fairness(45.0, 2)
    for bad, words in [({"skill_seconds": -1}, "skill_seconds"), ({"skill_levels": 9}, "skill_levels"),
                       ({"weight": 1}, "takes skill_seconds")]:  # fmt: skip
        with pytest.raises(RoutingConfigError, match=words):
            parse_routing({"fairness": bad}, "t")
