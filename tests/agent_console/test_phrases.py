"""The workspace's message keys for server sentences: every routing reason decide() writes has one, with its params."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from babel.messages.pofile import read_po

from hub.agent_console.phrases import catalog_keys, phrase, phrases
from hub.agent_console.workspace_strings import WORKSPACE_STRINGS
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Ticket
from hub.routing import placing
from hub.routing.decide import decide
from hub.routing.model import AgentProfile, AgentState, RouteRequest
from hub.routing.policy import Filter, Step
from tests.agent_console.test_i18n import ROOT
from tests.conftest import Hub
from tests.console_kit import console, contact

IDLE = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
ANNA = AgentProfile(1, "Anna Li", {"refunds": 3}, frozenset({"zh", "en"}), {"webchat": 2}, queues=frozenset({"vip"}))
BOB = AgentProfile(2, "Bob", {"refunds": 1}, frozenset({"en"}), {"webchat": 1}, tiers=frozenset({"gold"}))
CARL = AgentProfile(3, "Carl", {}, frozenset(), {"webchat": 1})
POLICY = Filter("vip", {}, (Step(queue="vip", timeout_s=60), Step(min_level=2)))


def _reasons() -> list[str]:
    """Reasons from decisions that pick, hold, wait and pass agents over for every cause."""
    roster = [(ANNA, AgentState(True, {"webchat": 1}, IDLE)), (BOB, AgentState(True)), (CARL, AgentState(False))]
    asks = [
        RouteRequest(1, "webchat", "diamond", {"refunds": 2}, "zh"),
        RouteRequest(2, "webchat", "general"),
        RouteRequest(3, "webchat", "diamond", {"refunds": 4}, exclude=frozenset({2})),
        RouteRequest(4, "webchat", "diamond", {"refunds": 1}, last_agent_id=1),
        RouteRequest(5, "webchat", "diamond", last_agent_id=3, hold_for_last_s=20),
        RouteRequest(6, "webchat", "gold", {"refunds": 1}, "de"),
    ]
    said = [r for ask in asks for r in decide(ask, roster, {"webchat": 1}, (POLICY,)).reasons]
    said += decide(RouteRequest(7, "webchat", "gold"), [], {"webchat": 1}).reasons
    full = [(AgentProfile(4, "Dee", {}, frozenset(), {"webchat": 1}), AgentState(True, {"webchat": 1}))]
    return [*said, *decide(RouteRequest(8, "webchat", "gold"), full, {"webchat": 1}).reasons]


def _texts(p: Any) -> list[str]:
    """Every string left in a phrase's params: what would show untranslated."""
    if isinstance(p, str):
        return [p]
    if isinstance(p, list):
        return [s for v in p for s in _texts(v)]
    return [s for v in p["params"].values() for s in _texts(v)]


def test_every_routing_reason_has_a_key_and_plain_params() -> None:
    reasons = _reasons()
    keyed = phrases(reasons, "reason")
    assert set(keyed) == set(reasons)  # none left as an English sentence
    keys = {p["key"] for p in keyed.values()}
    assert {"not eligible: %(skipped)s", "nobody eligible (%(skipped)s); waiting in queue"} <= keys
    assert any("served this customer last time" in k for k in keys) and any("fairest pick" in k for k in keys)
    assert any(k.startswith("holding up to") for k in keys) and any(k.startswith("policy ") for k in keys)
    # Params are names, numbers and config values, never a sentence of their own.
    leftovers = {s for p in keyed.values() for s in _texts(p)}
    assert not [s for s in leftovers if len(s.split()) >= 3 and s not in {"Anna Li"}], leftovers


def test_nested_params_and_what_people_wrote() -> None:
    why = phrase("nobody eligible (2 not available; 1 at webchat capacity); waiting in queue")
    assert why == {
        "key": "nobody eligible (%(skipped)s); waiting in queue",
        "params": {
            "skipped": [
                {"key": "%(count)s %(why)s", "params": {"count": "2", "why": {"key": "not available", "params": {}}}},
                {"key": "%(count)s %(why)s",
                 "params": {"count": "1", "why": {"key": "at %(channel)s capacity", "params": {"channel": "webchat"}}}},
            ]
        },
    }  # fmt: skip
    routed = phrase("routed to agent 4: Carl served this customer last time and is available", "summary")
    assert isinstance(routed, dict) and routed["params"]["agent_id"] == "4"
    assert routed["params"]["reason"]["key"] == "%(agent)s served this customer last time and is available"
    assert phrase("open → solved (Anna Li)", "summary") == {
        "key": "%(status_before)s → %(status)s (%(actor)s)",
        "params": {"status_before": "open", "status": "solved", "actor": "Anna Li"},
    }
    assert phrase("2 complaint(s) in 90 days", "factor") == {
        "key": "%(count)s complaint(s) in 90 days",
        "params": {"count": "2"},
    }
    assert phrase("3 messages split off to ticket #9 by Anna Li", "system") == {
        "key": "%(count)s messages split off to ticket #%(ticket)s by %(actor)s",
        "params": {"count": "3", "ticket": "9", "actor": "Anna Li"},
    }
    assert phrase("Where is my order? I paid last week", "summary") == "Where is my order? I paid last week"
    assert phrases(["我要退款"], "summary") == {}


def test_every_key_is_listed_for_the_workspace_and_translated() -> None:
    assert set(catalog_keys()) <= set(WORKSPACE_STRINGS)
    with (ROOT / "locale" / "zh_CN" / "LC_MESSAGES" / "hub.po").open("rb") as f:
        catalog = read_po(f, locale="zh_CN")
    for key in catalog_keys():
        found = catalog.get(key)
        assert found is not None and found.string, key
        assert sorted(found.string.count(f"%({n})s") for n in ("count", "agent", "tier")) == sorted(
            key.count(f"%({n})s") for n in ("count", "agent", "tier")
        ), key


async def test_the_ticket_json_carries_keys_for_its_reasons_timeline_and_factors(hub: Hub, db: Database) -> None:
    async with console(hub, db, "ann@example.test") as ann:
        ticket_id = await contact(hub, "I want my money back, this is the third time", who="kim@example.com")
        reasons = list(decide(RouteRequest(ticket_id, "email", "gold", {"refunds": 2}), [], {"email": 1}).reasons)
        async with db.write() as uow:
            ticket = await uow.session.get_one(Ticket, ticket_id)
            ticket.tags = ["complaint"]
            ticket.assignment = {**(ticket.assignment or {}), "reasons": reasons}
            row = placing.record(uow.session, ticket, ann.agent.id, False, utcnow(), reasons)
            await placing.write_timeline(uow.session, [row])
        status, seen = await ann.api("GET", f"/api/v1/console/tickets/{ticket_id}")
    assert status == 200
    keyed = seen["phrases"]
    shown = seen["ticket"]["assignment"]["reasons"]  # routing may have placed it meanwhile: its own words then
    assert shown and all(reason in keyed for reason in shown)
    assert keyed[row["summary"]]["key"] == "routed to agent %(agent_id)s: %(reason)s"
    assert keyed["1 complaint(s) in 90 days"] == {"key": "%(count)s complaint(s) in 90 days", "params": {"count": "1"}}
    assert seen["customer"]["insight"]["churn"]["factors"] == ["1 complaint(s) in 90 days"]  # kept for API clients
    assert "I want my money back, this is the third time" not in keyed  # what the customer wrote stays theirs
