"""REST API: auth (401/403), errors as JSON (400/404), filters, customer history, agents, OpenAPI."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from hub.db.engine import Database
from hub.envelopes import IdentityRef, InboundEnvelope
from tests.conftest import Hub, make_agent, make_session, make_token


async def seed(hub: Hub) -> list[int]:
    from hub import keys

    ingestor = hub.app[keys.INGESTOR]
    ids = []
    for n, (channel, kind, who) in enumerate(
        [("email", "email", "a@example.com"), ("sms", "phone", "+14155550101"), ("email", "email", "b@example.com")]
    ):
        r = await ingestor.ingest(
            InboundEnvelope(channel=channel, external_id=f"e{n}", sender=IdentityRef(kind, who), text=f"question {n}")
        )
        ids.append(r.ticket.id)
    return ids


async def get(hub: Hub, path: str, token: str | None = None, **kw: Any) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession(headers=headers) as http, http.get(hub.url + path, **kw) as r:
        return r.status, await r.json()


async def test_health_is_open(hub: Hub) -> None:
    status, body = await get(hub, "/healthz")
    assert status == 200 and body["status"] == "ok"
    status, body = await get(hub, "/readyz")
    assert status == 200 and body["database"] == "ok"


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic abc", "Bearer "])
async def test_missing_or_wrong_token_is_401_json(hub: Hub, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    async with aiohttp.ClientSession(headers=headers) as http, http.get(hub.url + "/api/v1/tickets") as r:
        assert r.status == 401
        assert (await r.json())["error"]["code"] == "unauthorized"


async def test_wrong_role_is_403(hub: Hub, db: Database) -> None:
    token = await make_token(db, "knowledge_manager")
    status, body = await get(hub, "/api/v1/tickets", token)
    assert status == 403 and body["error"]["code"] == "forbidden"
    status, _ = await get(hub, "/api/v1/agents", token)
    assert status == 200


async def test_unknown_ids_are_404(hub: Hub, admin_token: str) -> None:
    for path in ["/api/v1/tickets/999999", "/api/v1/tickets/abc", "/api/v1/customers/424242", "/api/v1/nothing"]:
        status, body = await get(hub, path, admin_token)
        assert status == 404, path
        assert body["error"]["code"] == "not_found"


async def test_bad_json_and_bad_params_are_400(hub: Hub, admin_token: str) -> None:
    [ticket, *_] = await seed(hub)
    headers = {"Authorization": f"Bearer {admin_token}", "Content-Type": "application/json"}
    async with aiohttp.ClientSession(headers=headers) as http:
        for body in [b"{not json", b"[1,2]", b"\xff\xfe"]:
            async with http.post(f"{hub.url}/api/v1/tickets/{ticket}/replies", data=body) as r:
                assert r.status == 400, body
                assert (await r.json())["error"]["code"] == "bad_request"
        async with http.post(f"{hub.url}/api/v1/tickets/{ticket}/replies", json={"text": "   "}) as r:
            assert r.status == 422
        async with http.post(f"{hub.url}/api/v1/tickets/{ticket}/replies", json={"text": 5}) as r:
            assert (
                r.status == 422
                and (await r.json())["error"]["message"] == "text: input should be a valid string, not an integer"
            )
    for query in ["status=bogus", "limit=0", "limit=x", "assignee=me", "customer_id=x"]:
        status, body = await get(hub, f"/api/v1/tickets?{query}", admin_token)
        assert status == 400, query
        assert body["error"]["message"]


async def test_list_filter_and_get_ticket(hub: Hub, admin_token: str) -> None:
    ids = await seed(hub)
    status, body = await get(hub, "/api/v1/tickets", admin_token)
    assert status == 200 and {t["id"] for t in body["tickets"]} == set(ids)
    _, sms = await get(hub, "/api/v1/tickets?channel=sms", admin_token)
    assert [t["channel"] for t in sms["tickets"]] == ["sms"]
    _, none = await get(hub, "/api/v1/tickets?status=solved,closed", admin_token)
    assert none["tickets"] == []
    _, page = await get(hub, "/api/v1/tickets?limit=1&offset=1", admin_token)
    assert len(page["tickets"]) == 1
    _, unassigned = await get(hub, "/api/v1/tickets?assignee=none", admin_token)
    assert len(unassigned["tickets"]) == 3
    status, one = await get(hub, f"/api/v1/tickets/{ids[1]}", admin_token)
    assert status == 200 and one["ticket"]["id"] == ids[1]
    assert [i["text"] for i in one["interactions"]] == ["question 1"]
    assert one["identities"] == [{"kind": "phone", "value": "+14155550101"}]


async def test_customer_with_identities_and_history(hub: Hub, admin_token: str) -> None:
    ids = await seed(hub)
    _, ticket = await get(hub, f"/api/v1/tickets/{ids[0]}", admin_token)
    status, body = await get(hub, f"/api/v1/customers/{ticket['ticket']['customer_id']}", admin_token)
    assert status == 200
    assert body["customer"]["identities"] == [{"kind": "email", "value": "a@example.com", "verified": False}]
    assert [h["kind"] for h in body["history"]] == ["contact.inbound", "ticket.created"]


async def test_agents_list(hub: Hub, db: Database, admin_token: str) -> None:
    await make_agent(db, "zhao@example.test", "supervisor")
    status, body = await get(hub, "/api/v1/agents", admin_token)
    assert status == 200
    assert [(a["email"], a["role"], a["presence"]) for a in body["agents"]] == [
        ("zhao@example.test", "supervisor", "offline")
    ]
    assert "password_hash" not in body["agents"][0]


async def test_console_session_works_for_api_and_writes_need_csrf(hub: Hub, db: Database) -> None:
    [ticket, *_] = await seed(hub)
    agent = await make_agent(db)
    session = await make_session(db, agent)
    cookies = {"hub_session": session}
    async with aiohttp.ClientSession(cookies=cookies) as http:
        async with http.get(f"{hub.url}/api/v1/tickets") as r:
            assert r.status == 200
        async with http.post(f"{hub.url}/api/v1/tickets/{ticket}/replies", json={"text": "hi"}) as r:
            assert r.status == 403  # a cross-site form could have sent this
        async with http.post(
            f"{hub.url}/api/v1/tickets/{ticket}/replies", json={"text": "hi"}, headers={"X-CSRF-Token": "wrong"}
        ) as r:
            assert r.status == 403
    from hub.agents.accounts import principal_for_session

    async with db.read() as s:
        principal = await principal_for_session(s, session)
    assert principal is not None and principal.csrf_token
    async with (
        aiohttp.ClientSession(cookies=cookies) as http,
        http.post(
            f"{hub.url}/api/v1/tickets/{ticket}/replies",
            json={"text": "hi", "internal": True},
            headers={"X-CSRF-Token": principal.csrf_token},
        ) as r,
    ):
        assert r.status == 201
        body = await r.json()
    assert body["interaction"]["direction"] == "note" and body["interaction"]["delivery_status"] is None
    assert body["ticket"]["assignee_id"] is None  # a note is no answer: the ticket stays with routing


async def test_internal_notes_never_change_the_owner_and_answers_take_it_with_a_history_line(
    hub: Hub, db: Database
) -> None:
    from datetime import timedelta

    from sqlalchemy import select

    from hub.clock import utcnow
    from hub.db.models import HistoryEntry, Ticket

    unowned, offered, _ = await seed(hub)
    boss = await make_agent(db, "boss@example.test", role="supervisor")
    agent = await make_agent(db, "li@example.test")
    deadline = utcnow() + timedelta(minutes=5)
    async with db.write() as uow:  # routing offered the second ticket to the agent a moment ago
        row = await uow.session.get_one(Ticket, offered)
        row.assignee_id, row.offer_expires_at = agent.id, deadline
        row.assignment = {"agent_id": agent.id, "by": "routing", "state": "offered", "reasons": ["best fit"]}

    async def post(session_of: Any, ticket: int, body: dict[str, Any]) -> dict[str, Any]:
        token = await make_session(db, session_of)
        from hub.agents.accounts import principal_for_session

        async with db.read() as s:
            principal = await principal_for_session(s, token)
        assert principal is not None and principal.csrf_token
        headers = {"X-CSRF-Token": principal.csrf_token}
        async with (
            aiohttp.ClientSession(cookies={"hub_session": token}, headers=headers) as http,
            http.post(f"{hub.url}/api/v1/tickets/{ticket}/replies", json=body) as r,
        ):
            assert r.status == 201, await r.text()
            result: dict[str, Any] = await r.json()
            return result

    for who, ticket in ((boss, unowned), (boss, offered), (agent, offered), (agent, unowned)):
        note = await post(who, ticket, {"text": "客户上周也问过 / asked last week too", "internal": True})
        assert note["interaction"]["direction"] == "note"
    async with db.read() as s:
        first, second = await s.get_one(Ticket, unowned), await s.get_one(Ticket, offered)
        kinds = list(await s.scalars(select(HistoryEntry.kind).where(HistoryEntry.ticket_id.in_([unowned, offered]))))
    assert first.assignee_id is None and first.assignment.get("agent_id") is None
    # The offer is still an offer: neither the supervisor's note nor the agent's own note accepted it.
    assert second.assignee_id == agent.id and second.offer_expires_at is not None
    assert second.assignment["state"] == "offered" and "ticket.assigned" not in kinds
    # An answer to the customer does take an unowned ticket, and says so in the history.
    reply = await post(boss, unowned, {"text": "We are on it."})
    assert reply["ticket"]["assignee_id"] == boss.id
    assert reply["ticket"]["assignment"]["by"] == "boss" and "answering" in reply["ticket"]["assignment"]["reasons"][0]
    async with db.read() as s:
        lines = list(
            await s.scalars(
                select(HistoryEntry.summary).where(
                    HistoryEntry.ticket_id == unowned, HistoryEntry.kind == "ticket.assigned"
                )
            )
        )
    assert lines == [f"to agent {boss.id} by answering (boss)"]


async def test_openapi_describes_every_api_route(hub: Hub) -> None:
    status, spec = await get(hub, "/api/openapi.json")
    assert status == 200 and spec["openapi"].startswith("3.")
    routes = {
        (r.method.lower(), r.resource.canonical)
        for r in hub.app.router.routes()
        if r.resource is not None and r.resource.canonical.startswith("/api/v1/") and r.method != "HEAD"
    }
    described = {(m, p) for p, ops in spec["paths"].items() for m in ops}
    assert routes == described


async def test_patch_status_and_tags_with_valid_transitions_only(hub: Hub, db: Database, admin_token: str) -> None:
    [ticket, *_] = await seed(hub)
    headers = {"Authorization": f"Bearer {admin_token}"}
    url = f"{hub.url}/api/v1/tickets/{ticket}"
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.patch(url, json={"status": "solved", "tags": ["退款", " refund ", ""]}) as r:
            assert r.status == 200
            body = await r.json()
        assert body["ticket"]["status"] == "solved" and body["ticket"]["tags"] == ["refund", "退款"]
        async with http.patch(url, json={"status": "closed"}) as r:
            assert r.status == 200
        async with http.patch(url, json={"status": "open"}) as r:
            assert r.status == 409
            assert "closed" in (await r.json())["error"]["message"]
        for bad in [{"status": "done"}, {"tags": "x"}, {"colour": "red"}, {"assignee_id": "x"}, {"priority": "asap"}]:
            async with http.patch(url, json=bad) as r:
                assert r.status == 422 and next(iter(bad)) in (await r.json())["error"]["message"], bad
        async with http.patch(f"{hub.url}/api/v1/tickets/424242", json={"status": "solved"}) as r:
            assert r.status == 404
    from sqlalchemy import select

    from hub.db.models import AuditEntry

    async with db.read() as s:
        actions = list(await s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    # Solving sent the satisfaction survey: a reply by the system, audited like any reply.
    assert actions == ["ticket.status_changed", "ticket.tags_changed", "reply.created", "ticket.status_changed"]


async def test_stopping_tells_consoles_and_chats_to_reconnect(settings: Any, aiohttp_server: Any) -> None:
    from hub.app import create_app
    from tests.sockets import visitor

    server = await aiohttp_server(create_app(settings))
    guest = await visitor(str(server.make_url("")).rstrip("/"))
    await guest.next("session")
    closing = asyncio.create_task(server.close())
    assert (await guest.next("server_restarting", timeout=30))["reconnect_in_ms"] == 1000
    await guest.close()  # as the browser does: it goes, to reconnect elsewhere, and the server can finish
    await asyncio.wait_for(closing, 10)


async def test_a_client_that_stays_is_disconnected_by_the_stopping_server(settings: Any, aiohttp_server: Any) -> None:
    from hub.app import create_app
    from tests.sockets import visitor

    server = await aiohttp_server(create_app(settings))
    guest = await visitor(str(server.make_url("")).rstrip("/"))
    await guest.next("session")
    closing = asyncio.create_task(server.close())
    assert (await guest.next("server_restarting", timeout=30))["reconnect_in_ms"] == 1000
    # The guest does nothing; the server closes its socket after the goodbye instead of waiting for it.
    deadline = asyncio.get_running_loop().time() + 10
    while guest.client.connected:
        assert asyncio.get_running_loop().time() < deadline, "the server left the socket open"
        await asyncio.sleep(0.05)
    await asyncio.wait_for(closing, 30)
    await guest.close()


async def test_replies_are_refused_for_a_moment_when_the_outbox_is_backed_up(hub: Hub, admin_token: str) -> None:
    from hub import keys

    ids = await seed(hub)
    delivery = hub.app[keys.DELIVERY]
    delivery.max_backlog = delivery.backlog  # as if thousands of replies were waiting for a provider
    headers = {"Authorization": f"Bearer {admin_token}"}
    url = f"{hub.url}/api/v1/tickets/{ids[0]}/replies"
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.post(url, json={"text": "hello"}) as r:
            assert r.status == 503 and r.headers["Retry-After"] == "60"
            assert "backed up" in (await r.json())["error"]["message"]
        async with http.post(url, json={"text": "for the team", "internal": True}) as r:
            assert r.status == 201  # internal notes never wait for a provider
        delivery.max_backlog = 10_000
        async with http.post(url, json={"text": "hello again"}) as r:
            assert r.status == 201
