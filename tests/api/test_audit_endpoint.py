"""GET /api/v1/audit: the actions privacy and security reviews ask about are there, filtered and paged newest first."""

from __future__ import annotations

from typing import Any

import aiohttp
from sqlalchemy import select

from hub.db.engine import Database
from hub.db.models import ApiToken, AuditEntry, Ticket
from tests.api.test_api import seed
from tests.conftest import Hub, make_agent, make_token


async def call(hub: Hub, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        return r.status, await (r.json() if r.content_type == "application/json" else r.text())


async def audit(hub: Hub, token: str, query: str) -> list[dict[str, Any]]:
    status, body = await call(hub, token, "GET", f"/api/v1/audit?{query}")
    assert status == 200, body
    return list(body["entries"])


async def _customer_of(db: Database, ticket_id: int) -> int:
    async with db.read() as s:
        return (await s.get_one(Ticket, ticket_id)).customer_id


async def test_the_listed_actions_are_audited_and_found_by_record(hub: Hub, db: Database) -> None:
    admin = await make_token(db, "admin")
    agent = await make_agent(db)
    first, _, third = await seed(hub)
    ticket = f"/api/v1/tickets/{first}"
    for change in ({"priority": "urgent"}, {"queue": "billing"}, {"assignee_id": agent.id}):
        assert (await call(hub, admin, "PATCH", ticket, change))[0] == 200
    customer = await _customer_of(db, first)
    for _ in range(2):
        assert (await call(hub, admin, "GET", f"/api/v1/customers/{customer}"))[0] == 200
    assert (await call(hub, admin, "GET", f"/api/v1/customers/{customer}/export"))[0] == 200
    assert (await call(hub, admin, "PATCH", f"/api/v1/customers/{customer}", {"tier": "gold"}))[0] == 200
    other = await _customer_of(db, third)
    assert (await call(hub, admin, "POST", f"/api/v1/customers/{other}/merge", {"into": customer}))[0] == 200
    assert (await call(hub, admin, "POST", f"/api/v1/tickets/{third}/merge", {"into": first}))[0] == 200

    actions = [e["action"] for e in await audit(hub, admin, f"entity=ticket&entity_id={first}")]
    assert actions == ["ticket.merged_in", "ticket.reassigned", "ticket.queue_changed", "ticket.priority_changed"]
    entries = await audit(hub, admin, f"entity=customer&entity_id={customer}")
    actions = [e["action"] for e in entries]
    assert actions[:4] == ["customer.merged", "customer.value_changed", "customer.tier_changed", "customer.exported"]
    assert actions.count("customer.viewed") == 2, "one entry per view"
    tier = entries[2]
    assert tier["details"]["before"] != "gold" and tier["details"]["after"] == "gold"
    assert tier["details"]["tickets"] == [first] and tier["actor"] == {"kind": "system", "id": None, "name": None}
    changed = entries[1]
    assert changed["actor"]["kind"] == "token" and changed["actor"]["name"] == "test-admin"
    assert [e["action"] for e in await audit(hub, admin, f"entity=ticket&entity_id={third}")] == ["ticket.merged"]


async def test_access_administration_erasure_and_report_exports_are_audited(hub: Hub, db: Database) -> None:
    admin = await make_token(db, "admin")
    agent = await make_agent(db)
    [_, phone, _] = await seed(hub)
    status, made = await call(hub, admin, "POST", "/api/v1/tokens", {"role": "agent", "name": "crm sync"})
    assert status == 201
    assert (await call(hub, admin, "POST", f"/api/v1/tokens/{made['id']}/revoke"))[0] == 200
    assert (await call(hub, admin, "PATCH", f"/api/v1/agents/{agent.id}", {"role": "supervisor"}))[0] == 200
    assert (await call(hub, admin, "PATCH", f"/api/v1/agents/{agent.id}/profile", {"languages": ["yue"]}))[0] == 200
    customer = await _customer_of(db, phone)
    erase = {"close_open_tickets": True}
    assert (await call(hub, admin, "POST", f"/api/v1/customers/{customer}/erase", erase))[0] == 200
    assert (await call(hub, admin, "GET", "/api/v1/reports?days=7&format=csv"))[0] == 200
    assert (await call(hub, admin, "GET", "/api/v1/knowledge/export"))[0] == 200

    tokens = [e["action"] for e in await audit(hub, admin, f"entity=api_token&entity_id={made['id']}")]
    assert tokens == ["token.revoked", "token.created"]
    agents = [e["action"] for e in await audit(hub, admin, f"entity=agent&entity_id={agent.id}")]
    assert agents == ["agent.profile_changed", "agent.role_changed"]
    assert [e["entity_id"] for e in await audit(hub, admin, "action=customer.erased")] == [customer]
    assert [e["details"] for e in await audit(hub, admin, "action=report.exported")] == [{"days": 7, "format": "csv"}]
    [knowledge] = await audit(hub, admin, "action=knowledge.*")
    assert knowledge["action"] == "knowledge.exported" and knowledge["actor"]["name"] == "test-admin"


async def test_filters_by_actor_action_and_time_and_pages_newest_first(hub: Hub, db: Database) -> None:
    admin = await make_token(db, "admin")
    supervisor = await make_token(db, "supervisor")
    agents = [await make_agent(db, f"a{n}@example.test") for n in range(5)]
    for n, agent in enumerate(agents):
        token = supervisor if n % 2 else admin
        assert (await call(hub, token, "PATCH", f"/api/v1/agents/{agent.id}/profile", {"topics": [f"t{n}"]}))[0] == 200
    async with db.read() as s:
        supervisor_id = await s.scalar(select(ApiToken.id).where(ApiToken.name == "test-supervisor"))
        first_at = await s.scalar(select(AuditEntry.at).order_by(AuditEntry.id).limit(1))
    assert first_at is not None

    mine = await audit(hub, admin, f"actor=token:{supervisor_id}&action=agent.profile_changed")
    assert [e["entity_id"] for e in mine] == [agents[3].id, agents[1].id]
    assert {e["actor"]["name"] for e in mine} == {"test-supervisor"}
    assert len(await audit(hub, admin, "action=agent.*&actor=token")) == 5
    assert await audit(hub, admin, "actor=system&action=agent.*") == []

    seen: list[int] = []
    before = ""
    while True:
        status, body = await call(hub, admin, "GET", f"/api/v1/audit?action=agent.profile_changed&limit=2{before}")
        assert status == 200 and len(body["entries"]) <= 2
        seen += [e["entity_id"] for e in body["entries"]]
        if body["next_before"] is None:
            break
        before = f"&before={body['next_before']}"
    assert seen == [a.id for a in reversed(agents)], "newest first, each entry once"

    since = first_at.isoformat().replace("+00:00", "Z")
    assert len(await audit(hub, admin, f"action=agent.profile_changed&since={since}")) == 5
    assert await audit(hub, admin, f"action=agent.profile_changed&until={since}") == []
    assert await audit(hub, admin, "since=2999-01-01") == []


BAD_FILTERS = [
    ("since=yesterday", "since"),
    ("until=2026-13-01", "until"),
    ("since=2026-02-01&until=2026-01-01", "since must be before until"),
    ("entity_id=abc", "entity_id"),
    ("before=0", "before"),
    ("actor=robot", "actor"),
    ("action=DROP TABLE", "action"),
    ("entity=Ticket;", "entity"),
    ("limit=0", "limit"),
    ("limit=²", "limit"),
    ("colour=red", "colour: unknown filter"),
]


async def test_bad_filters_are_refused_by_name(hub: Hub, db: Database) -> None:
    admin = await make_token(db, "admin")
    for query, names in BAD_FILTERS:
        status, body = await call(hub, admin, "GET", f"/api/v1/audit?{query}")
        assert status == 422 and names in body["error"]["message"], query


async def test_only_admins_read_the_log(hub: Hub, db: Database) -> None:
    for role in ("agent", "supervisor", "knowledge_manager"):
        status, _ = await call(hub, await make_token(db, role), "GET", "/api/v1/audit")
        assert status == 403, role
