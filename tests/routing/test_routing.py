"""Routing: decide() on its own, then the engine through the API with live agents."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from hub import keys
from hub.db.engine import Database
from hub.db.models import Agent, AgentSkill, AuditEntry, Customer, Identity
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.routing.config import RoutingConfigError, load_routing
from hub.routing.decide import decide
from hub.routing.model import AgentProfile, AgentState, RouteRequest
from tests.conftest import Hub, make_agent, make_session, make_token
from tests.sockets import agent_socket

CAP = {"email": 5, "webchat": 3}
ROUTING = load_routing(Path(__file__).resolve().parents[2] / "config" / "routing.toml")
T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def agent(i: int, skills: dict[str, int], langs: tuple[str, ...] = ("en", "zh"), **kw: object) -> AgentProfile:
    return AgentProfile(i, f"agent{i}", skills, frozenset(langs), kw.pop("capacity", {}), **kw)  # type: ignore[arg-type]


def test_decide_ranks_by_load_share_then_idle_then_fit_then_id() -> None:
    req = RouteRequest(1, "email", "gold", {"refunds": 2}, "zh")
    roster = [
        (agent(1, {"refunds": 3}), AgentState(True, {"email": 4}, T0)),
        (agent(2, {"refunds": 5}), AgentState(True, {"email": 2}, T0)),
        (agent(3, {"refunds": 5}), AgentState(True, {"email": 1}, T0 + timedelta(minutes=5))),
        (agent(4, {"refunds": 5}), AgentState(True, {"email": 1}, T0)),
        (agent(5, {"refunds": 1}), AgentState(True, {}, T0)),
        (agent(6, {"refunds": 5}, ("en",)), AgentState(True, {}, T0)),
        (agent(7, {"refunds": 5}), AgentState(False, {}, T0)),
        (agent(8, {"refunds": 5}, capacity={"email": 2}), AgentState(True, {"email": 2}, T0)),
        (agent(9, {"refunds": 5}, tiers=frozenset({"diamond"})), AgentState(True, {}, T0)),
    ]
    d = decide(req, roster, CAP)
    assert d.agent_id == 4 and d.ranked == (4, 3, 2, 1)
    text = " | ".join(d.reasons)
    assert "needs refunds≥2, language zh on email for a gold customer" in text
    for why in ("refunds below 2", "does not speak zh", "not available", "at email capacity", "does not serve gold"):
        assert why in text


def test_decide_prefers_the_last_agent_and_explains_waiting() -> None:
    req = RouteRequest(1, "webchat", "general", {}, None, last_agent_id=2)
    roster = [(agent(1, {"x": 5}), AgentState(True)), (agent(2, {}), AgentState(True, {"webchat": 2}))]
    d = decide(req, roster, CAP)
    assert d.agent_id == 2 and "served this customer last time" in d.reasons[1]
    nobody = decide(RouteRequest(2, "webchat", "general", {"wine": 4}), roster, CAP)
    assert nobody.agent_id is None and "waiting in queue" in nobody.reasons[-1]


def test_bad_routing_file_names_the_line_or_rule(tmp_path: Path) -> None:
    bad = tmp_path / "routing.toml"
    bad.write_text("[capacity\nemail = 5\n", encoding="utf-8")
    with pytest.raises(RoutingConfigError, match="line 1"):
        load_routing(bad)
    bad.write_text('[[keywords]]\nwords = ["refund"]\nskill = "refunds"\nlevel = 9\n', encoding="utf-8")
    with pytest.raises(RoutingConfigError, match="keywords #1: level must be 1-5"):
        load_routing(bad)


async def yellow_pages(db: Database) -> dict[str, int]:
    ids = {}
    for email, skills, langs in [
        ("li@x.test", {"refunds": 5, "billing": 3}, ["zh-CN", "en"]),
        ("bo@x.test", {"refunds": 2}, ["en"]),
        ("mo@x.test", {"technical": 4}, ["en"]),
    ]:
        a = await make_agent(db, email)
        async with db.write() as uow:
            row = await uow.session.get_one(Agent, a.id)
            row.languages, row.capacity = langs, {"email": 2}
            for skill, level in skills.items():
                uow.session.add(AgentSkill(agent_id=a.id, skill=skill, level=level))
        ids[email.split("@")[0]] = a.id
    return ids


async def ingest(hub: Hub, n: int, text: str, tier: str = "general") -> int:
    ref = IdentityRef("email", f"c{n}@example.com")
    async with hub.app[keys.DB].write() as uow:
        c = Customer(display_name=f"c{n}", tier=tier, attributes={})
        uow.session.add(c)
        await uow.session.flush()
        uow.session.add(Identity(customer_id=c.id, kind=ref.kind, value=ref.value))
    result = await hub.app[keys.INGESTOR].ingest(
        InboundEnvelope(channel="email", external_id=f"<m{n}@x>", sender=ref, text=text)
    )
    return result.ticket.id


async def settled(hub: Hub) -> None:
    await asyncio.sleep(0)
    await asyncio.wait_for(hub.app[keys.ROUTING].idle.wait(), 5)


async def test_engine_routes_by_skill_and_capacity_and_shows_why(hub: Hub, db: Database, admin_token: str) -> None:
    ids = await yellow_pages(db)
    sockets = [await agent_socket(hub.url, await make_session(db, await db_agent(db, i))) for i in ids.values()]
    await settled(hub)
    t1 = await ingest(hub, 1, "我要退款，订单8812", tier="diamond")
    t2 = await ingest(hub, 2, "refund for my second order please", tier="gold")
    t3 = await ingest(hub, 3, "and a refund for this one too")
    t4 = await ingest(hub, 4, "app crash when paying")
    await settled(hub)
    headers = {"Authorization": f"Bearer {admin_token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        got = {}
        for t in (t1, t2, t3, t4):
            async with http.get(f"{hub.url}/api/v1/tickets/{t}") as r:
                got[t] = (await r.json())["ticket"]
    assert got[t1]["assignee_id"] == ids["li"]  # only li speaks Chinese and knows refunds well
    assert got[t1]["requirements"] == {"skills": {"refunds": 2}, "language": "zh"}
    assert any("fairest pick" in why for why in got[t1]["assignment"]["reasons"])
    assert got[t2]["assignee_id"] == ids["bo"]  # fair routing: bo has nothing yet, li is half full
    assert got[t3]["assignee_id"] == ids["li"]  # both half full: li has waited longest since her last work
    assert got[t4]["assignee_id"] == ids["mo"] and got[t4]["requirements"]["skills"] == {"technical": 2}

    t5 = await ingest(hub, 5, "refund refund refund")
    t6 = await ingest(hub, 6, "one more refund")
    await settled(hub)
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.get(f"{hub.url}/api/v1/tickets/{t5}") as r:
            assert (await r.json())["ticket"]["assignee_id"] == ids["bo"]  # li is full: bo's second and last slot
        async with http.get(f"{hub.url}/api/v1/tickets/{t6}") as r:
            waiting = (await r.json())["ticket"]
        assert waiting["assignee_id"] is None and "waiting in queue" in waiting["assignment"]["reasons"][-1]
        async with http.patch(f"{hub.url}/api/v1/tickets/{t1}", json={"status": "solved"}) as r:
            assert r.status == 200
    await settled(hub)  # li has room again: the waiting ticket goes to her
    async with aiohttp.ClientSession(headers=headers) as http, http.get(f"{hub.url}/api/v1/tickets/{t6}") as r:
        assert (await r.json())["ticket"]["assignee_id"] == ids["li"]
    for s in sockets:
        await s.close()


async def db_agent(db: Database, agent_id: int) -> Agent:
    async with db.read() as s:
        return await s.get_one(Agent, agent_id)


async def test_supervisor_reassigns_live_with_conflicts_and_audit(hub: Hub, db: Database) -> None:
    ids = await yellow_pages(db)
    sup = await make_agent(db, "sup@x.test", role="supervisor")
    watcher = await agent_socket(hub.url, await make_session(db, await db_agent(db, ids["bo"])))
    ticket = await ingest(hub, 9, "refund please")
    await settled(hub)
    sup_api = {"Authorization": f"Bearer {await make_token(db, 'supervisor')}"}
    agent_api = {"Authorization": f"Bearer {await make_token(db, 'agent')}"}
    url = f"{hub.url}/api/v1/tickets/{ticket}"
    async with aiohttp.ClientSession(headers=sup_api) as http:
        async with http.get(url) as r:
            before = (await r.json())["ticket"]
        assert before["assignee_id"] == ids["bo"]  # the only one online
        async with http.patch(url, json={"assignee_id": ids["li"], "if_updated_at": before["updated_at"]}) as r:
            assert r.status == 200
            after = (await r.json())["ticket"]
        async with http.patch(url, json={"assignee_id": ids["mo"], "if_updated_at": before["updated_at"]}) as r:
            assert r.status == 409  # someone changed it meanwhile: no lost update
    pushed = await watcher.next_matching("ticket", lambda e: e["ticket"]["assignee_id"] == ids["li"])
    assert pushed["ticket"]["assignment"]["reasons"][0].startswith("assigned by test-supervisor")
    assert after["assignee_id"] == ids["li"]
    async with aiohttp.ClientSession(headers=agent_api) as http, http.patch(url, json={"assignee_id": ids["mo"]}) as r:
        assert r.status == 403
    async with db.read() as s:
        entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "ticket.reassigned"))
    assert entry is not None and entry.details == {"before": ids["bo"], "after": ids["li"]}
    assert sup.id
    await watcher.close()


async def test_yellow_pages_search_and_edit(hub: Hub, db: Database) -> None:
    ids = await yellow_pages(db)
    sup = {"Authorization": f"Bearer {await make_token(db, 'supervisor')}"}
    agent_hdr = {"Authorization": f"Bearer {await make_token(db, 'agent')}"}
    profile = {
        "skills": {"refunds": 4, "wine": 5},
        "languages": ["yue", "zh-HK", "en"],
        "capacity": {"webchat": 2},
        "tiers": ["diamond", "gold"],
        "topics": ["Bordeaux refunds", "customs paperwork"],
    }
    async with aiohttp.ClientSession(headers=sup) as http:
        async with http.put(f"{hub.url}/api/v1/agents/{ids['mo']}/profile", json=profile) as r:
            assert r.status == 200 and (await r.json())["skills"][0] == {"skill": "wine", "level": 5}
        for bad in [{"skills": {"wine": 9}}, {"capacity": {"webchat": -1}}, {"topics": "x"}]:
            async with http.put(f"{hub.url}/api/v1/agents/{ids['mo']}/profile", json=bad) as r:
                assert r.status == 422, bad
        # "Who knows refunds in Cantonese?"
        async with http.get(f"{hub.url}/api/v1/agents?skill=refunds&language=yue") as r:
            assert [a["id"] for a in (await r.json())["agents"]] == [ids["mo"]]
        async with http.get(f"{hub.url}/api/v1/agents?skill=refunds&min_level=2") as r:
            assert [a["id"] for a in (await r.json())["agents"]] == [ids["li"], ids["mo"], ids["bo"]]
        async with http.get(f"{hub.url}/api/v1/agents?q=customs") as r:
            assert [a["id"] for a in (await r.json())["agents"]] == [ids["mo"]]
    async with (
        aiohttp.ClientSession(headers=agent_hdr) as http,
        http.put(f"{hub.url}/api/v1/agents/{ids['mo']}/profile", json=profile) as r,
    ):
        assert r.status == 403
    async with db.read() as s:
        assert await s.scalar(select(AuditEntry.action).where(AuditEntry.target_id == ids["mo"])) == (
            "agent.profile_changed"
        )


def test_keywords_match_whole_latin_words_and_chinese_substrings() -> None:
    config = ROUTING
    assert config.skills_for('<img src=x onerror="x"> where is my parcel') == {}
    assert config.skills_for("The app shows an error, and I want a refund.") == {"technical": 2, "refunds": 2}
    assert config.skills_for("我要退款，发票也没收到") == {"refunds": 2, "billing": 2}


async def test_tier_sla_targets_per_channel_and_supervisor_tier_override(
    hub: Hub, db: Database, settings: object
) -> None:
    config = ROUTING
    assert config.tier_names == ("diamond", "gold", "silver", "general")
    assert config.sla_minutes("diamond", "webchat") == (2, 480) and config.sla_minutes("gold", "sms.twilio") == (
        60,
        1440,
    )
    ticket_id = await ingest(hub, 7, "where is my order", tier="diamond")
    async with db.read() as s:
        from hub.db.models import Ticket as T

        ticket = await s.get_one(T, ticket_id)
    assert ticket.first_response_due_at is not None
    assert ticket.first_response_due_at - ticket.created_at == timedelta(minutes=60)  # diamond on email
    sup = {"Authorization": f"Bearer {await make_token(db, 'supervisor')}"}
    agent_hdr = {"Authorization": f"Bearer {await make_token(db, 'agent')}"}
    url = f"{hub.url}/api/v1/customers/{ticket.customer_id}"
    async with aiohttp.ClientSession(headers=sup) as http:
        async with http.patch(url, json={"tier": "gold"}) as r:
            assert r.status == 200 and (await r.json()) == {
                "id": ticket.customer_id,
                "display_name": "c7",
                "notes": "",
                "tier": "gold",
                "previous_tier": "diamond",
                "lifetime_value": None,
                "tier_override": "gold",
                "tickets_retiered": [ticket_id],  # its open ticket follows the new tier
            }
        async with http.patch(url, json={"tier": "platinum"}) as r:
            assert r.status == 400
    async with aiohttp.ClientSession(headers=agent_hdr) as http, http.patch(url, json={"tier": "general"}) as r:
        assert r.status == 403
    async with db.read() as s:
        entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "customer.value_changed"))
    assert entry is not None and entry.details == {
        "before": "diamond",
        "after": "gold",
        "annual_margin": None,
        "override": "gold",
        "tickets": [ticket_id],
        "renamed": False,
        "notes_changed": False,
    }


def test_bad_tier_table_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "routing.toml"
    bad.write_text("[tiers.gold]\nweight = 5\nfirst_response = { webchat = 0 }\n", encoding="utf-8")
    with pytest.raises(RoutingConfigError, match=r"tiers\.gold: first_response must map"):
        load_routing(bad)


async def test_queue_stats_for_supervisors(hub: Hub, db: Database) -> None:
    await ingest(hub, 21, "refund please", tier="diamond")
    await ingest(hub, 22, "app crash", tier="general")
    second = await ingest(hub, 23, "hello", tier="general")
    async with db.write() as uow:  # one ticket is past its first-response target
        from hub.db.models import Ticket as T

        row = await uow.session.get_one(T, second)
        row.first_response_due_at = row.created_at - timedelta(minutes=1)
    await settled(hub)
    sup = {"Authorization": f"Bearer {await make_token(db, 'supervisor')}"}
    async with aiohttp.ClientSession(headers=sup) as http:
        async with http.get(f"{hub.url}/api/v1/queues/stats") as r:
            assert r.status == 200
            body = await r.json()
        async with http.get(f"{hub.url}/api/v1/queues/stats", headers={"Authorization": "Bearer nope"}) as r:
            assert r.status == 401
    [general] = [q for q in body["queues"] if q["queue"] == "general"]
    assert general["waiting"] == 3 and general["by_tier"] == {"diamond": 1, "general": 2}
    assert general["sla_breached"] == 1 and general["longest_wait_s"] >= 0
    assert body["waiting_by_skill"] == {"refunds": 1, "technical": 1}
    assert body["agents"] == {"available": 0, "away": 0, "busy": 0, "offline": 0}


async def test_bulk_moves_priority_and_requirement_overrides(hub: Hub, db: Database) -> None:
    ids = await yellow_pages(db)
    tickets = [await ingest(hub, 30 + n, f"question {n}") for n in range(3)]
    await settled(hub)
    sup = {"Authorization": f"Bearer {await make_token(db, 'supervisor')}"}
    agent_hdr = {"Authorization": f"Bearer {await make_token(db, 'agent')}"}
    async with aiohttp.ClientSession(headers=sup) as http:
        async with http.post(
            f"{hub.url}/api/v1/tickets/bulk",
            json={"ids": [*tickets, 999999], "change": {"queue": "billing", "priority": "high"}},
        ) as r:
            assert r.status == 200
            results = (await r.json())["results"]
        async with http.post(f"{hub.url}/api/v1/tickets/bulk", json={"ids": tickets, "change": {"queue": 5}}) as r:
            assert r.status == 422
        async with http.patch(f"{hub.url}/api/v1/tickets/{tickets[0]}", json={"queue": "nowhere"}) as r:
            assert r.status == 422
    assert [x["ok"] for x in results] == [True, True, True, False] and results[3]["error"]["status"] == 404
    assert {(x["ticket"]["queue"], x["ticket"]["priority"]) for x in results[:3]} == {("billing", "high")}
    async with aiohttp.ClientSession(headers=agent_hdr) as http:
        async with http.patch(f"{hub.url}/api/v1/tickets/{tickets[0]}", json={"priority": "urgent"}) as r:
            assert r.status == 403  # queues and priority are for supervisors
        async with http.post(f"{hub.url}/api/v1/tickets/bulk", json={"ids": tickets, "change": {}}) as r:
            assert r.status == 403
        # An agent corrects what the ticket needs; routing takes it from there.
        console = await agent_socket(hub.url, await make_session(db, await db_agent(db, ids["mo"])))
        await settled(hub)
        async with http.patch(
            f"{hub.url}/api/v1/tickets/{tickets[1]}",
            json={"requirements": {"skills": {"technical": 3}, "language": "en"}},
        ) as r:
            assert r.status == 200
    await settled(hub)
    async with db.read() as s:
        from hub.db.models import Ticket as T

        moved = await s.get_one(T, tickets[1])
        actions = Counter(await s.scalars(select(AuditEntry.action)))
    assert moved.assignee_id == ids["mo"] and moved.requirements["skills"] == {"technical": 3}
    assert actions["ticket.queue_changed"] == 3 and actions["ticket.priority_changed"] == 3
    assert actions["ticket.requirements_changed"] == 1
    await console.close()


async def test_away_agents_get_no_work_until_available_again(hub: Hub, db: Database) -> None:
    ids = await yellow_pages(db)
    console = await agent_socket(hub.url, await make_session(db, await db_agent(db, ids["bo"])))
    assert (await console.call("status", {"status": "away"})) == {"ok": True, "status": "away"}
    assert (await console.call("status", {"status": "napping"}))["ok"] is False
    await settled(hub)
    ticket = await ingest(hub, 40, "refund for order 1")
    await settled(hub)
    async with db.read() as s:
        from hub.db.models import Ticket as T

        assert (await s.get_one(T, ticket)).assignee_id is None  # bo is connected but away
        assert (await s.get_one(Agent, ids["bo"])).presence == "away"
    sup = {"Authorization": f"Bearer {await make_token(db, 'supervisor')}"}
    async with aiohttp.ClientSession(headers=sup) as http, http.get(f"{hub.url}/api/v1/queues/stats") as r:
        assert (await r.json())["agents"] == {"available": 0, "away": 1, "busy": 0, "offline": 2}
    await console.call("status", {"status": "available"})
    await settled(hub)
    async with db.read() as s:
        assert (await s.get_one(T, ticket)).assignee_id == ids["bo"]
    await console.close()


def test_urgency_blends_tier_sla_risk_and_waiting() -> None:
    from hub.routing.urgency import urgency

    now = T0 + timedelta(hours=3)
    fresh_gold = urgency(60, now + timedelta(hours=2), now, now)
    old_general = urgency(10, now + timedelta(hours=2), now - timedelta(minutes=150), now)
    breaching_general = urgency(10, now - timedelta(minutes=5), now - timedelta(minutes=20), now)
    fresh_diamond = urgency(100, now + timedelta(minutes=30), now, now)
    # A missed target outranks a long wait; a long wait overtakes a fresh gold customer (no starvation);
    # with time to spare, value orders the queue.
    assert breaching_general > old_general > fresh_gold
    assert fresh_diamond > fresh_gold
    assert urgency(100, None, now, now) > urgency(60, None, now, now) > urgency(10, None, now, now)


async def test_drain_offers_the_most_urgent_waiting_ticket_first(hub: Hub, db: Database) -> None:
    ids = await yellow_pages(db)
    general = await ingest(hub, 50, "hello there", tier="general")
    diamond = await ingest(hub, 51, "hello again", tier="diamond")
    await settled(hub)
    async with db.write() as uow:  # bo has room for one more email only
        row = await uow.session.get_one(Agent, ids["bo"])
        row.capacity = {"email": 1}
    console = await agent_socket(hub.url, await make_session(db, await db_agent(db, ids["bo"])))
    await settled(hub)
    async with db.read() as s:
        from hub.db.models import Ticket as T

        assert (await s.get_one(T, diamond)).assignee_id == ids["bo"]
        assert (await s.get_one(T, general)).assignee_id is None
    await console.close()
