"""The indexed roster gives decide() the answers a scan of every agent gives (pick and reasons), as loads change."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from hub.routing.decide import decide
from hub.routing.fairness import Fairness
from hub.routing.index import RosterIndex, with_load
from hub.routing.model import AgentProfile, AgentState, RouteRequest
from hub.routing.policy import Filter, Step

CAP = {"email": 5, "webchat": 3, "voice.twilio": 1}
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SKILLS = ("billing", "refunds", "returns", "vip")
VIP_STEPS = (Step(queue="q1", timeout_s=60, skip_if_none=True), Step(min_level=4))
NAMED_STEPS = (Step(agents=frozenset({"a3@x", "a9@x"}), timeout_s=30), Step())
FILTERS = (
    Filter("vip", {"tier": frozenset({"diamond"})}, VIP_STEPS),
    Filter("named", {"channel": frozenset({"voice.twilio"})}, NAMED_STEPS),
)


def roster(rng: random.Random, n: int) -> list[tuple[AgentProfile, AgentState]]:
    out = []
    for i in range(1, n + 1):
        profile = AgentProfile(
            i,
            f"a{i}",
            {s: rng.randint(1, 5) for s in rng.sample(SKILLS, rng.randint(0, 3))},
            frozenset(rng.choice([(), ("en",), ("en", "zh")])),
            rng.choice([{}, {"webchat": 2}, {"voice.twilio": 0}, {"email": 1, "webchat": 0}]),
            frozenset(rng.choice([(), ("gold",), ("gold", "diamond")])),
            email=f"a{i}@x",
            queues=frozenset(rng.sample(("q1", "q2", "q3"), rng.randint(0, 2))),
        )
        load = {ch: rng.randint(0, 3) for ch in rng.sample(list(CAP), rng.randint(0, 2))}
        # Few distinct idle times, so ties on load share and idle since are broken by skill fit.
        idle = rng.choice([None, T0, T0 + timedelta(minutes=rng.randint(1, 3))])
        out.append((profile, AgentState(rng.random() > 0.05, load, idle)))
    return out


def request(rng: random.Random, n: int, ticket: int) -> RouteRequest:
    return RouteRequest(
        ticket,
        rng.choice([*CAP, "wechat"]),
        rng.choice(["general", "gold", "diamond", ""]),
        {s: rng.randint(0, 4) for s in rng.sample(SKILLS, rng.randint(0, 2))},
        rng.choice([None, "en", "zh"]),
        last_agent_id=rng.choice([None, rng.randint(1, n)]),
        waited_s=rng.choice([0, 45, 120]),
        exclude=frozenset(rng.sample(range(1, n + 1), rng.randint(0, 3))),
    )


@pytest.mark.parametrize("fairness", [Fairness(), Fairness(skill_seconds=60)])
@pytest.mark.parametrize("size", [12, 200])
def test_indexed_decisions_equal_a_full_scan_as_loads_change(fairness: Fairness, size: int) -> None:
    rng = random.Random(size)
    agents = roster(rng, size)
    index = RosterIndex(CAP)
    for profile, state in agents:
        index.put(profile, state)
    for ticket in range(300):
        req = request(rng, size, ticket)
        plain = decide(req, agents, CAP, FILTERS, fairness)
        live = decide(req, index, CAP, FILTERS, fairness)
        assert (live.agent_id, live.reasons) == (plain.agent_id, plain.reasons)
        assert live.ranked == plain.ranked[:1] or live.ranked == (req.last_agent_id,)  # live: only the pick
        if plain.agent_id is not None:  # the pick takes the ticket, as the engine does
            i = plain.agent_id - 1
            profile, state = agents[i]
            n = state.load.get(req.channel, 0) + 1
            agents[i] = (
                profile,
                replace(state, load={**state.load, req.channel: n}, idle_since=T0 + timedelta(ticket)),
            )
            with_load(index, profile.id, req.channel, n, T0 + timedelta(ticket))
        if ticket % 50 == 0:  # someone leaves and comes back with a new entry
            i = rng.randrange(size)
            index.remove(agents[i][0].id)
            assert agents[i][0].id not in index
            agents[i] = (replace(agents[i][0], languages=frozenset({"zh"})), agents[i][1])
            index.put(*agents[i])
    assert len(index) == size


def test_a_default_capacity_other_than_the_index_one_falls_back_to_a_scan() -> None:
    index = RosterIndex(CAP)
    index.put(AgentProfile(1, "a1", {}, frozenset(), {}), AgentState(True, {"email": 4}))
    req = RouteRequest(1, "email", "gold")
    assert decide(req, index, CAP).agent_id == 1
    assert decide(req, index, {"email": 4}).agent_id is None  # same answer a list would give
