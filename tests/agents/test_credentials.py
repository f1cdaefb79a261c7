"""Credentials can be taken back: tokens listed, expiring and revoked; agents deactivated, re-roled and given new
passwords over REST; each closes the console sockets opened with what was taken back, at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
from sqlalchemy import select, update

from hub import keys
from hub.agents import credentials
from hub.app import SOCKET_GUARD
from hub.bus import EventBus
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import ApiToken, AuditEntry, Ticket
from tests.conftest import PASSWORD, Hub, make_agent, make_session
from tests.console_kit import console, contact
from tests.sockets import Probe, agent_socket
from tests.waiting import until


async def api(hub: Hub, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        return r.status, await r.json()


async def closed(probe: Probe) -> None:
    """The hub closed the socket (the client sees it gone)."""

    async def gone() -> bool:
        return not probe.client.connected

    await until(gone, timeout=30)


async def actions(db: Database) -> list[str]:
    async with db.read() as s:
        return list(await s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


async def ticket_events_for(probe: Probe, ticket_id: int) -> list[Any]:
    queue = probe.events["ticket"]
    seen = [queue.get_nowait() for _ in range(queue.qsize())]
    return [e for e in seen if e["ticket"]["id"] == ticket_id]


async def test_tokens_are_listed_expire_and_are_revoked(hub: Hub, db: Database, admin_token: str) -> None:
    status, made = await api(
        hub, admin_token, "POST", "/api/v1/tokens", {"role": "agent", "name": "crm", "expires": "90d"}
    )
    assert status == 201 and made["token"].startswith("hub_") and made["usable"] is True
    assert made["expires_at"] is not None and made["role"] == "agent" and made["name"] == "crm"
    assert (await api(hub, made["token"], "GET", "/api/v1/tickets"))[0] == 200

    status, listed = await api(hub, admin_token, "GET", "/api/v1/tokens")
    [row] = [t for t in listed["tokens"] if t["id"] == made["id"]]
    assert status == 200 and "token" not in row and row["revoked_at"] is None

    status, revoked = await api(hub, admin_token, "POST", f"/api/v1/tokens/{made['id']}/revoke")
    assert status == 200 and revoked["token"]["usable"] is False and revoked["token"]["revoked_at"]
    assert (await api(hub, made["token"], "GET", "/api/v1/tickets"))[0] == 401
    assert (await api(hub, admin_token, "POST", "/api/v1/tokens/424242/revoke"))[0] == 404

    # Past its end date a token is refused like a revoked one.
    status, short = await api(hub, admin_token, "POST", "/api/v1/tokens", {"role": "agent", "expires": "1h"})
    assert (await api(hub, short["token"], "GET", "/api/v1/tickets"))[0] == 200
    async with db.write() as uow:
        past = utcnow() - timedelta(seconds=1)
        await uow.session.execute(update(ApiToken).where(ApiToken.id == short["id"]).values(expires_at=past))
    assert (await api(hub, short["token"], "GET", "/api/v1/tickets"))[0] == 401
    assert "token.created" in await actions(db) and "token.revoked" in await actions(db)


async def test_token_requests_with_bad_input_get_clear_4xx(hub: Hub, admin_token: str) -> None:
    for body, code in [
        ({"role": "boss"}, 422),
        ({}, 422),
        ({"role": "agent", "expires": "soon"}, 422),
        ({"role": "agent", "expires": "0d"}, 422),
        ({"role": "agent", "expires": "99999w"}, 422),
        ({"role": "agent", "expires": 90}, 422),
        ({"role": "agent", "name": ""}, 422),
    ]:
        status, answer = await api(hub, admin_token, "POST", "/api/v1/tokens", body)
        assert status == code, (body, answer)
        assert answer["error"]["message"]
    assert (await api(hub, admin_token, "PATCH", "/api/v1/agents/1", {"active": "no"}))[0] == 422
    assert (await api(hub, admin_token, "PATCH", "/api/v1/agents/1", {"colour": "red"}))[0] == 422
    assert (await api(hub, admin_token, "PATCH", "/api/v1/agents/424242", {"active": False}))[0] == 404
    assert (await api(hub, admin_token, "PUT", "/api/v1/agents/424242/password", {"password": "x" * 9}))[0] == 404


async def test_deactivating_an_agent_closes_their_sockets_and_takes_them_off_routing(
    hub: Hub, db: Database, admin_token: str
) -> None:
    agent = await make_agent(db, "leaver@example.test")
    colleague = await make_agent(db, "stayer@example.test")
    leaving = await agent_socket(hub.url, await make_session(db, agent))
    staying = await agent_socket(hub.url, await make_session(db, colleague))
    presence = hub.app[keys.PRESENCE]
    assert presence.status_of(agent.id) == "available"

    status, body = await api(hub, admin_token, "PATCH", f"/api/v1/agents/{agent.id}", {"active": False})
    assert status == 200 and body["agent"]["active"] is False
    await leaving.next("signed_out")
    await closed(leaving)
    assert presence.status_of(agent.id) != "available"  # offered nothing new

    # Ticket events still flow to the others, none to the closed socket.
    ticket_id = await contact(hub, "after the leaver left", who="late@example.com")
    await staying.next_matching("ticket", lambda e: e["ticket"]["id"] == ticket_id)
    assert await ticket_events_for(leaving, ticket_id) == []
    async with db.read() as s:
        assert (await s.get_one(Ticket, ticket_id)).assignee_id != agent.id
    async with aiohttp.ClientSession() as http:
        r = await http.post(
            f"{hub.url}/login", data={"email": agent.email, "password": PASSWORD}, allow_redirects=False
        )
        assert r.status != 302 or r.headers["Location"].startswith("/login")

    status, body = await api(hub, admin_token, "PATCH", f"/api/v1/agents/{agent.id}", {"active": True})
    assert status == 200 and body["agent"]["active"] is True
    assert (await agent_socket(hub.url, await make_session(db, agent))).client.connected
    assert [a for a in await actions(db) if a.startswith("agent.")] == ["agent.deactivated", "agent.reactivated"]
    await staying.close()


async def test_revoking_a_token_closes_sockets_opened_with_it(hub: Hub, db: Database, admin_token: str) -> None:
    async with db.write() as uow:
        token, row = await credentials.create(uow, None, role="supervisor", name="wall", expires_in=None, via="test")
    probe = Probe("/agent")
    await probe.connect(hub.url, auth={"token": token})
    await probe.next("hello")
    assert (await api(hub, admin_token, "POST", f"/api/v1/tokens/{row.id}/revoke"))[0] == 200
    await closed(probe)


async def test_signing_out_closes_that_sessions_sockets(hub: Hub, db: Database) -> None:
    async with console(hub, db, "out@example.test") as c:
        mine = await agent_socket(hub.url, c.session_token)
        other_session = await agent_socket(hub.url, await make_session(db, c.agent))
        r = await c.http.post(f"{hub.url}/logout", allow_redirects=False)
        assert r.status == 302
        await closed(mine)
        # Another session of the same agent (another browser) stays.
        assert other_session.client.connected
        assert (await other_session.call("status", {"status": "busy"}))["ok"] is True
        await other_session.close()


async def test_a_revocation_made_in_another_process_closes_sockets_too(hub: Hub, db: Database, settings: Any) -> None:
    agent = await make_agent(db, "elsewhere@example.test")
    probe = await agent_socket(hub.url, await make_session(db, agent))
    # Another process (another hub, the hub command) without Redis: this process hears nothing of it.
    other = Database(settings.database_url, EventBus())
    try:
        async with other.write() as uow:
            found = await credentials.find_agent(uow, agent_id=agent.id)
            await credentials.set_active(uow, None, found, False, via="test")
    finally:
        await other.dispose()
    # The next thing the socket sends is refused and closes it ...
    assert await probe.call("status", {"status": "busy"}) == {"ok": False, "error": "signed out"}
    await closed(probe)
    # ... and one that sends nothing is closed by the sweep.
    quiet_agent = await make_agent(db, "quiet@example.test")
    quiet = await agent_socket(hub.url, await make_session(db, quiet_agent))
    other = Database(settings.database_url, EventBus())
    try:
        async with other.write() as uow:
            found = await credentials.find_agent(uow, agent_id=quiet_agent.id)
            await credentials.set_role(uow, None, found, "knowledge_manager", via="test")
    finally:
        await other.dispose()
    await hub.app[SOCKET_GUARD].sweep()
    await closed(quiet)


async def test_role_change_and_password_set_or_reset_by_an_admin(hub: Hub, db: Database) -> None:
    agent = await make_agent(db, "moved@example.test")
    probe = await agent_socket(hub.url, await make_session(db, agent))
    async with console(hub, db, "boss@example.test", "admin") as boss:
        status, body = await boss.api("PATCH", f"/api/v1/agents/{agent.id}", {"role": "supervisor"})
        assert status == 200 and body["agent"]["role"] == "supervisor"
        await closed(probe)  # its rooms were an agent's: it reconnects as a supervisor
        probe = await agent_socket(hub.url, await make_session(db, agent))

        status, body = await boss.api("PUT", f"/api/v1/agents/{agent.id}/password", {"password": "short"})
        assert status == 422 and "8 characters" in body["error"]["message"]
        status, body = await boss.api("PUT", f"/api/v1/agents/{agent.id}/password", {"password": "new secret 123"})
        assert status == 200 and "password" not in body
        await closed(probe)  # whoever knew the old password is signed out
        status, body = await boss.api("PUT", f"/api/v1/agents/{agent.id}/password", {"generate": True})
        assert status == 200 and len(body["password"]) >= 12
        async with aiohttp.ClientSession() as http:
            form = {"email": agent.email, "password": body["password"]}
            r = await http.post(f"{hub.url}/login", data=form, allow_redirects=False)
            assert r.status == 302 and not r.headers["Location"].startswith("/login")

        # An admin cannot lock themselves out.
        status, body = await boss.api("PATCH", f"/api/v1/agents/{boss.agent.id}", {"active": False})
        assert status == 422
    done = ("agent.role_changed", "agent.password_set", "agent.password_reset", "agent.deactivated")
    assert [a for a in await actions(db) if a in done] == list(done[:3])
