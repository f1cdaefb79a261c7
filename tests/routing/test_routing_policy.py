"""Routing policy as data: timed steps, continuity, entry points, value rules, offers, wrap-up, evidence."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select, update

from hub import keys
from hub.app import create_app
from hub.customers.value import ValueRules
from hub.db.engine import Database
from hub.db.models import Agent, AgentSkill, AuditEntry, Customer, Queue, QueueMember, Ticket
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.routing.config import RoutingConfigError, load_routing, parse_routing
from hub.routing.decide import decide
from hub.routing.model import AgentProfile, AgentState, RouteRequest
from hub.routing.policy import Filter, Step, current_step
from hub.settings import Settings
from tests.conftest import Hub, make_agent, make_session, make_token
from tests.sockets import Probe, agent_socket

CAP = {"webchat": 3, "email": 5}
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def profile(i: int, skills: dict[str, int] | None = None, queues: tuple[str, ...] = ()) -> AgentProfile:
    return AgentProfile(i, f"a{i}", skills or {}, frozenset({"en"}), {}, email=f"a{i}@x.test", queues=frozenset(queues))


def test_steps_follow_the_wait_and_skip_unstaffed_ones() -> None:
    vip = Filter("vip", {"tier": frozenset({"diamond"})}, (Step(queue="vip", timeout_s=60), Step(min_level=4)))
    roster = [
        (profile(1, {"refunds": 3}, ("vip",)), AgentState(True, {"email": 5})),
        (profile(2, {"refunds": 5}), AgentState(True)),
    ]
    early = decide(RouteRequest(1, "email", "diamond", {"refunds": 2}, waited_s=10), roster, CAP, [vip])
    assert early.agent_id is None  # the VIP desk's only agent is full, and others wait their turn
    assert "policy vip, step 1 of 2: queue vip for up to 60 s" in early.reasons
    assert "1 outside this step" in early.reasons[-1]
    late = decide(RouteRequest(1, "email", "diamond", {"refunds": 2}, waited_s=61), roster, CAP, [vip])
    assert late.agent_id == 2 and "needs refunds≥4" in late.reasons[0]  # step 2 raises the level
    general = decide(RouteRequest(2, "email", "general", {"refunds": 2}), roster, CAP, [vip])
    assert general.agent_id == 2 and "policy default" in general.reasons[1]
    skipping = Filter("s", {}, (Step(queue="nobody-here", timeout_s=600, skip_if_none=True), Step()))
    assert current_step(skipping, 0, [False, True])[0] == 1
    assert current_step(skipping, 0, [True, True])[0] == 0


def test_continuity_waits_for_the_last_agent_then_lets_go() -> None:
    roster = [(profile(1), AgentState(True)), (profile(2), AgentState(True, {"webchat": 3}))]
    held = decide(RouteRequest(5, "webchat", "gold", last_agent_id=2, hold_for_last_s=40), roster, CAP)
    assert held.agent_id is None and "holding up to 40 s" in held.reasons[-1]
    free = decide(RouteRequest(5, "webchat", "gold", last_agent_id=2, hold_for_last_s=0), roster, CAP)
    assert free.agent_id == 1


def test_policy_and_section_errors_name_where(tmp_path: Path) -> None:
    cases = {
        "[[filters]]\nwhen = { colour = ['red'] }\n": "filters #1: when.colour is not a ticket attribute",
        "[[filters]]\nsteps = [{ queue = 'vip' }, {}]\n": "filters #1 step 1: every step but the last needs timeout_s",
        "[[filters]]\nsteps = [{ timeout_s = -4 }]\n": "filters #1 step 1: timeout_s must be",
        "[offers]\nwebchat = 0\n": "offers.webchat: seconds from 1 to 3600",
        "[urgency]\nwait_points = 1\n": "urgency.wait_points is unknown",
        "[value]\nthresholds = { platinum = 5 }\n": "thresholds.platinum is not a tier",
        "[entry_points.menu]\nskills = { x = 2 }\n": "name it kind:key",
        "[presence]\naway_on_disconnect = 5\n": "[presence] takes",
    }
    for text, message in cases.items():
        path = tmp_path / "routing.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(RoutingConfigError, match=message.replace("[", r"\[").replace("(", r"\(")):
            load_routing(path)


def test_entry_points_and_keywords_make_requirements() -> None:
    config = parse_routing(
        {
            "entry_points": {"wechat:menu:BILL": {"skills": {"billing": 3}, "language": "zh"}},
            "keywords": [
                {"words": ["refund"], "skill": "refunds", "level": 2},
                {"words": ["invoice"], "skill": "billing"},
            ],
        },
        "test",
    )
    assert config.requirements_for("refund my invoice", "wechat:menu:BILL") == {
        "skills": {"billing": 3, "refunds": 2},
        "language": "zh",
    }
    assert config.requirements_for("hello", None) == {"skills": {}, "language": None}


def test_lifetime_value_and_tier_thresholds() -> None:
    rules = ValueRules(0.8, 0.1, {"diamond": 20000, "gold": 5000, "silver": 1000}, "general")
    assert rules.lifetime_value(1000) == pytest.approx(1000 * 0.8 / 0.3)  # 2666.67
    assert rules.tier_for(rules.lifetime_value(1000)) == "silver"
    assert rules.tier_for(rules.lifetime_value(8000)) == "diamond"
    assert rules.tier_for(0) == "general"


BASE = """
[capacity]
webchat = 2
email = 5
[tiers.diamond]
weight = 100
[tiers.gold]
weight = 60
[tiers.silver]
weight = 30
[tiers.general]
weight = 10
[value]
retention = 0.8
discount = 0.1
thresholds = { diamond = 20000, gold = 5000, silver = 1000 }
"""


@pytest.fixture
def routed(settings: Settings, aiohttp_server: Callable[..., Any], tmp_path: Path) -> Callable[[str], Any]:
    async def start(extra: str) -> Hub:
        path = tmp_path / "routing.toml"
        path.write_text(BASE + extra, encoding="utf-8")
        custom = dataclasses.replace(settings, routing_config=str(path))
        app = create_app(custom)
        return Hub(await aiohttp_server(app), app, custom)

    return start


async def settled(hub: Hub) -> None:
    await asyncio.sleep(0)
    await asyncio.wait_for(hub.app[keys.ROUTING].idle.wait(), 5)


async def chat(hub: Hub, n: int, text: str) -> int:
    env = InboundEnvelope(channel="webchat", external_id=f"m{n}", sender=IdentityRef("webchat", f"v{n}"), text=text)
    return (await hub.app[keys.INGESTOR].ingest(env)).ticket.id


async def console(hub: Hub, db: Database, email: str, **profile: Any) -> tuple[Agent, Probe]:
    agent = await make_agent(db, email)
    async with db.write() as uow:
        row = await uow.session.get_one(Agent, agent.id)
        row.languages = ["en"]
        for skill, level in profile.get("skills", {}).items():
            uow.session.add(AgentSkill(agent_id=agent.id, skill=skill, level=level))
        for queue in profile.get("queues", ()):
            q = await uow.session.scalar(select(Queue).where(Queue.name == queue))
            assert q is not None
            uow.session.add(QueueMember(queue_id=q.id, agent_id=agent.id))
    return agent, await agent_socket(hub.url, await make_session(db, agent))


async def ticket_row(db: Database, ticket_id: int) -> Ticket:
    async with db.read() as s:
        return await s.get_one(Ticket, ticket_id)


async def test_offers_accept_decline_and_timeout(routed: Callable[[str], Any], db: Database) -> None:
    hub = await routed("[offers]\nwebchat = 2\n")
    ann, ann_ws = await console(hub, db, "ann@x.test", skills={"chat": 5})
    ben, ben_ws = await console(hub, db, "ben@x.test", skills={"chat": 3})
    first = await chat(hub, 1, "hello, anyone there?")
    offer = await ann_ws.next_matching("offer", lambda o: o["ticket"]["id"] == first)
    assert offer["expires_at"] and any("fairest pick" in why for why in offer["why"])
    row = await ticket_row(db, first)
    assert row.assignee_id == ann.id and row.assignment["state"] == "offered" and row.offer_expires_at is not None
    ann_api = {"Cookie": f"hub_session={await make_session(db, ann)}"}
    ben_api = {"Cookie": f"hub_session={await make_session(db, ben)}"}
    async with aiohttp.ClientSession() as http:
        csrf = await _csrf(http, hub, ann_api)
        async with http.post(f"{hub.url}/api/v1/tickets/{first}/offer", json={"accept": False}, headers=csrf) as r:
            assert r.status == 200 and (await r.json())["ticket"]["assignee_id"] is None
    # Declined: straight on to the next agent, who lets it pass and is set away.
    await ben_ws.next_matching("offer", lambda o: o["ticket"]["id"] == first)
    assert (await ben_ws.next_matching("presence", lambda p: p["status"] == "away", timeout=30))["status"] == "away"
    await settled(hub)
    row = await ticket_row(db, first)
    assert row.assignee_id is None and row.offer_expires_at is None
    assert set(row.assignment["declined"]) == {str(ann.id), str(ben.id)}
    assert "already offered this ticket" in row.assignment["reasons"][-1]

    second = await chat(hub, 2, "another question")
    await ann_ws.next_matching("offer", lambda o: o["ticket"]["id"] == second)
    async with aiohttp.ClientSession() as http:
        ben_csrf = await _csrf(http, hub, ben_api)
        async with http.post(f"{hub.url}/api/v1/tickets/{second}/offer", json={"accept": True}, headers=ben_csrf) as r:
            assert r.status == 409  # not Ben's to take
        csrf = await _csrf(http, hub, ann_api)
        async with http.post(f"{hub.url}/api/v1/tickets/{second}/offer", json={"accept": True}, headers=csrf) as r:
            assert r.status == 200
        async with http.post(f"{hub.url}/api/v1/tickets/{second}/offer", json={"accept": True}, headers=csrf) as r:
            assert r.status == 409  # already answered
        async with http.post(f"{hub.url}/api/v1/tickets/{second}/offer", json={"accept": "yes"}, headers=csrf) as r:
            assert r.status == 422
    third = await chat(hub, 3, "and a third one")
    await ann_ws.next_matching("offer", lambda o: o["ticket"]["id"] == third)
    async with aiohttp.ClientSession() as http:
        csrf = await _csrf(http, hub, ann_api)
        reply = {"text": "Hello, I can help with that."}
        async with http.post(f"{hub.url}/api/v1/tickets/{third}/replies", json=reply, headers=csrf) as r:
            assert r.status == 201  # answering accepts the offer
    await asyncio.sleep(2.5)  # past the old deadlines: an accepted offer is never swept
    answered = await ticket_row(db, third)
    assert answered.assignee_id == ann.id and answered.assignment["state"] == "accepted"
    row = await ticket_row(db, second)
    assert row.assignee_id == ann.id and row.assignment["state"] == "accepted" and row.offer_expires_at is None
    async with db.read() as s:
        actions = list(await s.scalars(select(AuditEntry.action).where(AuditEntry.target_id == first)))
    assert {"ticket.offered", "ticket.offer_declined", "ticket.offer_missed"} <= set(actions)
    for ws in (ann_ws, ben_ws):
        await ws.close()


async def _csrf(http: aiohttp.ClientSession, hub: Hub, cookie: dict[str, str]) -> dict[str, str]:
    async with http.get(f"{hub.url}/console", headers=cookie) as r:
        page = await r.text()
    token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    return {**cookie, "X-CSRF-Token": token}


async def test_wrap_up_after_solving_and_away_while_disconnected(routed: Callable[[str], Any], db: Database) -> None:
    hub = await routed("[after_contact]\nwebchat = 1\n[presence]\naway_on_disconnect_s = 1\n")
    ann, ws = await console(hub, db, "ann@x.test")
    ticket = await chat(hub, 1, "hi")
    await settled(hub)
    sup = {"Authorization": f"Bearer {await make_token(db, 'supervisor')}"}
    async with (
        aiohttp.ClientSession(headers=sup) as http,
        http.patch(f"{hub.url}/api/v1/tickets/{ticket}", json={"status": "solved"}) as r,
    ):
        assert r.status == 200
    await ws.next_matching("presence", lambda p: p["status"] == "wrap-up")
    assert hub.app[keys.PRESENCE].status_of(ann.id) == "wrap-up"
    assert (await ws.next("presence", timeout=30))["status"] == "available"
    assert (await ws.call("status", {"status": "busy"}))["status"] == "busy"
    await ws.close()
    await asyncio.sleep(0.2)
    presence = hub.app[keys.PRESENCE]
    assert presence.status_of(ann.id) == "away"  # dropped: away, keeping the tickets
    back = await agent_socket(hub.url, await make_session(db, ann))
    assert presence.status_of(ann.id) == "busy"  # back within the grace: as before
    await back.close()
    await asyncio.sleep(1.5)
    assert presence.status_of(ann.id) == "offline"
    async with db.read() as s:
        assert (await s.get_one(Agent, ann.id)).presence == "offline"


async def test_vip_step_then_anyone_and_entry_point_and_evidence(routed: Callable[[str], Any], db: Database) -> None:
    hub = await routed(
        """
[[filters]]
name = "VIP desk"
when = { tier = ["diamond"] }
steps = [{ queue = "vip", timeout_s = 60 }, {}]
[entry_points."webchat:topic:refunds"]
skills = { refunds = 2 }
"""
    )
    _desk, desk_ws = await console(hub, db, "desk@x.test", skills={"refunds": 3}, queues=["vip"])
    await desk_ws.call("status", {"status": "busy"})
    # A visitor from the refunds page of the site: the widget's topic names the entry point.
    visitor = Probe("/visitor")
    await visitor.connect(hub.url, auth={"topic": "refunds"})
    await visitor.next("session")
    ack = await visitor.client.call("message", {"text": "hello"}, namespace="/visitor")
    ticket = ack["ticket_id"]
    sup = {"Authorization": f"Bearer {await make_token(db, 'supervisor')}"}
    async with aiohttp.ClientSession(headers=sup) as http:
        row = await ticket_row(db, ticket)
        async with http.patch(f"{hub.url}/api/v1/customers/{row.customer_id}", json={"annual_margin": 9000}) as r:
            assert (await r.json())["tier"] == "diamond" and (await r.json())["lifetime_value"] == 24000.0
    other, other_ws = await console(hub, db, "other@x.test", skills={"refunds": 2})
    await settled(hub)
    row = await ticket_row(db, ticket)
    assert row.requirements["entry"] == "webchat:topic:refunds" and row.requirements["skills"] == {"refunds": 2}
    assert row.tags == ["refunds"]
    assert row.assignee_id is None  # the VIP desk is busy; others wait for the first step to pass
    assert "step 1 of 2: queue vip" in " ".join(row.assignment["reasons"])
    # The first step's minute has passed (the ticket is a minute older; a busy machine's own pace cannot make
    # the step pass early, as a short real timeout did).
    async with db.write() as uow:
        await uow.session.execute(
            update(Ticket).where(Ticket.id == ticket).values(created_at=row.created_at - timedelta(seconds=61))
        )
    await hub.app[keys.ROUTING].drain()
    row = await ticket_row(db, ticket)
    assert row.assignee_id == other.id and "step 2 of 2" in " ".join(row.assignment["reasons"])
    async with aiohttp.ClientSession(headers=sup) as http:
        async with http.patch(f"{hub.url}/api/v1/tickets/{ticket}", json={"status": "solved"}) as r:
            assert r.status == 200
        async with http.get(f"{hub.url}/api/v1/agents", params={"skill": "refunds", "min_level": "2"}) as r:
            entries = {e["email"]: e for e in (await r.json())["agents"]}
    assert entries["other@x.test"]["evidence"]["refunds"]["resolved"] == 1
    assert entries["desk@x.test"]["evidence"] == {}
    for probe in (desk_ws, other_ws, visitor):
        await probe.close()


async def test_value_rules_set_the_tier_unless_a_supervisor_overrides(
    routed: Callable[[str], Any], db: Database
) -> None:
    hub = await routed("")
    customer_id = (await ticket_row(db, await chat(hub, 1, "hi"))).customer_id
    url = f"{hub.url}/api/v1/customers/{customer_id}"
    sup = {"Authorization": f"Bearer {await make_token(db, 'supervisor')}"}
    async with aiohttp.ClientSession(headers=sup) as http:
        async with http.patch(url, json={"annual_margin": 2000}) as r:
            body = await r.json()
            assert body["tier"] == "gold" and body["previous_tier"] == "general"  # 2000*0.8/0.3 = 5333
        async with http.patch(url, json={"tier": "silver"}) as r:
            assert (await r.json())["tier_override"] == "silver"
        async with http.patch(url, json={"annual_margin": 9000}) as r:
            assert (await r.json())["tier"] == "silver"  # the override stands while value changes
        async with http.patch(url, json={"tier": "auto"}) as r:
            assert (await r.json())["tier"] == "diamond"  # lifted: value rules decide again
        async with http.patch(url, json={"annual_margin": -1}) as r:
            assert r.status == 422
        async with http.patch(url, json={"colour": "red"}) as r:
            assert r.status == 422


async def test_queue_statistics_are_pushed_live_to_supervisors(routed: Callable[[str], Any], db: Database) -> None:
    hub = await routed("")
    boss = await make_agent(db, "boss@x.test", role="supervisor")
    agent, agent_ws = await console(hub, db, "plain@x.test")
    await agent_ws.call("status", {"status": "away"})
    sup_ws = await agent_socket(hub.url, await make_session(db, boss))
    await sup_ws.call("status", {"status": "busy"})  # supervisors take work too; not now
    await chat(hub, 1, "is anyone there?")
    await chat(hub, 2, "hello?")
    stats = await sup_ws.next_matching("queue_stats", lambda b: sum(q["waiting"] for q in b["queues"]) == 2)
    assert stats["queues"][[q["queue"] for q in stats["queues"]].index("general")]["by_tier"] == {"general": 2}
    assert stats["agents"]["away"] == 1 and stats["agents"]["busy"] == 1
    await asyncio.sleep(1.2)
    assert agent_ws.events["queue_stats"].empty()  # agents do not get the supervisors' figures
    for probe in (agent_ws, sup_ws):
        await probe.close()
    assert agent.id


async def test_reload_refuses_a_bad_policy_and_keeps_the_running_one(
    routed: Callable[[str], Any], db: Database, tmp_path: Path
) -> None:
    hub = await routed("[offers]\nwebchat = 30\n")
    path = Path(hub.settings.routing_config)
    sup = {"Authorization": f"Bearer {await make_token(db, 'supervisor')}"}
    async with aiohttp.ClientSession(headers=sup) as http:
        await asyncio.to_thread(path.write_text, BASE + "[[filters]]\nsteps = [{ queue = 'vip' }, {}]\n")
        async with http.post(f"{hub.url}/api/v1/routing/reload") as r:
            assert r.status == 422
            message = (await r.json())["error"]["message"]
            assert "filters #1 step 1: every step but the last needs timeout_s" in message
            assert "the running policy stays" in message
        assert hub.app[keys.ROUTING].config.offers == {"webchat": 30}
        await asyncio.to_thread(
            path.write_text, BASE + "[[filters]]\nname = 'late'\nsteps = [{ queue = 'vip', timeout_s = 5 }, {}]\n"
        )
        async with http.post(f"{hub.url}/api/v1/routing/reload") as r:
            assert r.status == 200 and (await r.json())["filters"] == ["late"]
        assert hub.app[keys.ROUTING].config.offers == {}
    agent_hdr = {"Authorization": f"Bearer {await make_token(db, 'agent')}"}
    async with aiohttp.ClientSession(headers=agent_hdr) as http, http.post(f"{hub.url}/api/v1/routing/reload") as r:
        assert r.status == 403


async def test_unknown_tier_and_skill_are_routed_by_default_with_a_warning(
    routed: Callable[[str], Any], db: Database
) -> None:
    hub = await routed("")
    agent, ws = await console(hub, db, "ann@x.test", skills={"refunds": 3})
    ticket = await chat(hub, 1, "hello")
    await settled(hub)  # routed once as it arrived; now its needs and tier change under it
    async with db.write() as uow:
        row = await uow.session.get_one(Ticket, ticket)
        row.assignee_id, row.requirements = None, {"skills": {"astrology": 4, "refunds": 2}, "language": "en"}
        customer = await uow.session.get_one(Customer, row.customer_id)
        customer.tier = "platinum"
    await hub.app[keys.ROUTING].route(ticket)
    row = await ticket_row(db, ticket)
    assert row.assignee_id == agent.id
    reasons = row.assignment["reasons"]
    assert "warning: tier 'platinum' is not in routing.toml" in reasons[0]
    assert "warning: no agent has astrology; routed without it" in reasons[1]
    await ws.close()


async def test_an_offer_solved_before_its_deadline_stays_solved(routed: Callable[[str], Any], db: Database) -> None:
    hub = await routed("[offers]\nwebchat = 1\n")
    agent, ws = await console(hub, db, "ann@x.test")
    ticket = await chat(hub, 1, "never mind, solved it myself")
    await ws.next_matching("offer", lambda o: o["ticket"]["id"] == ticket)
    sup = {"Authorization": f"Bearer {await make_token(db, 'supervisor')}"}
    async with (
        aiohttp.ClientSession(headers=sup) as http,
        http.patch(f"{hub.url}/api/v1/tickets/{ticket}", json={"status": "solved"}) as r,
    ):
        assert r.status == 200
    await asyncio.sleep(2.2)  # the deadline passes and the sweep runs
    row = await ticket_row(db, ticket)
    assert row.status == "solved" and row.assignee_id == agent.id and row.offer_expires_at is None
    assert hub.app[keys.PRESENCE].status_of(agent.id) == "available"  # not set away for it
    await ws.close()
