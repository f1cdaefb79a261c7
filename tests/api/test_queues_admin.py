"""Queue administration: admins create queues, choose calendars, switch auto-assignment and set members (audited,
422 on bad input); the start-up sync keeps what admins did; routing leaves a hand-picked queue's tickets alone."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from sqlalchemy import select

from hub import keys
from hub.app import create_app
from hub.cli import main
from hub.db.engine import Database
from hub.db.models import AuditEntry, Queue, Ticket
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.settings import PROJECT_ROOT, QueueConfig, Settings
from hub.tickets.business_time import Calendar
from hub.tickets.queues import sync_queues
from tests.conftest import Hub, make_agent, make_session, make_token
from tests.sockets import agent_socket
from tests.waiting import until

OFFICE = Calendar("cn-office", ZoneInfo("Asia/Shanghai"), ((((9 * 60, 18 * 60),),) * 5) + ((), ()))


async def call(hub: Hub, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        return r.status, await r.json()


def with_office(settings: Settings) -> Settings:
    return dataclasses.replace(settings, calendars={"cn-office": OFFICE})


async def start(settings: Settings, aiohttp_server: Callable[..., Any]) -> Hub:
    app = create_app(settings)
    return Hub(await aiohttp_server(app), app, settings)


async def audits(db: Database, action: str) -> list[dict[str, Any]]:
    async with db.read() as s:
        query = select(AuditEntry.details).where(AuditEntry.action == action).order_by(AuditEntry.id)
        return list(await s.scalars(query))


async def test_admins_create_change_and_staff_a_queue(
    settings: Settings, aiohttp_server: Callable[..., Any], db: Database
) -> None:
    hub = await start(with_office(settings), aiohttp_server)
    token = await make_token(db, "admin")
    ann, ben = await make_agent(db, "ann@x.test"), await make_agent(db, "ben@x.test")
    status, queue = await call(hub, token, "POST", "/api/v1/queues", {"name": "desk", "display_name": "Front desk"})
    assert status == 201, queue
    assert queue == {**queue, "name": "desk", "display_name": "Front desk", "calendar": None, "auto_assign": True,
                     "configured": False, "members": []}  # fmt: skip
    status, queue = await call(
        hub, token, "PATCH", "/api/v1/queues/desk", {"calendar": "cn-office", "auto_assign": False}
    )
    assert status == 200 and queue["calendar"] == "cn-office" and queue["auto_assign"] is False
    status, queue = await call(hub, token, "PUT", "/api/v1/queues/desk/members", {"agent_ids": [ben.id, ann.id]})
    assert status == 200 and queue["members"] == sorted([ann.id, ben.id])
    status, queue = await call(hub, token, "PUT", "/api/v1/queues/desk/members", {"agent_ids": [ann.id]})
    assert queue["members"] == [ann.id]
    status, queue = await call(hub, token, "PATCH", "/api/v1/queues/desk", {"calendar": None, "display_name": "Front"})
    assert status == 200 and queue["calendar"] is None and queue["display_name"] == "Front"
    status, listed = await call(hub, token, "GET", "/api/v1/queues")
    assert status == 200 and [q["name"] for q in listed["queues"]] == sorted(q["name"] for q in listed["queues"])
    assert {q["name"]: q["members"] for q in listed["queues"]}["desk"] == [ann.id]

    assert (await audits(db, "queue.created"))[0]["name"] == "desk"
    changes = [a["changes"] for a in await audits(db, "queue.updated")]
    assert changes == [
        {"calendar": [None, "cn-office"], "auto_assign": [True, False]},
        {"display_name": ["Front desk", "Front"], "calendar": ["cn-office", None]},
    ]
    members = [(a["added"], a["removed"]) for a in await audits(db, "queue.members_set")]
    assert members == [(sorted([ann.id, ben.id]), []), ([], [ben.id])]
    # Tickets may go there at once.
    env = InboundEnvelope(channel="email", external_id="desk-1", sender=IdentityRef("email", "v@x.test"), text="hi",
                          queue="desk")  # fmt: skip
    assert (await hub.app[keys.INGESTOR].ingest(env)).ticket.queue == "desk"


async def test_bad_input_is_422_unknown_queue_404_taken_name_409_and_only_admins(hub: Hub, db: Database) -> None:
    admin = await make_token(db, "admin")
    supervisor = await make_token(db, "supervisor")
    agent = await make_agent(db, "ann@x.test")
    bodies: list[Any] = [
        {"name": "Has Spaces"},
        {"name": ""},
        {"name": "x" * 65},
        {"name": "ok", "calendar": "nowhere"},
        {"name": "ok", "auto_assign": "yes"},
        {"name": "ok", "colour": "red"},
        {"name": "ok", "display_name": "   "},
    ]
    for body in bodies:
        status, answer = await call(hub, admin, "POST", "/api/v1/queues", body)
        assert status == 422, (body, answer)
    status, _ = await call(hub, admin, "POST", "/api/v1/queues", {"name": "general"})
    assert status == 409
    changes: list[Any] = [{}, {"display_name": None}, {"auto_assign": None}, {"calendar": "nowhere"}, {"calendar": 3}]
    for body in changes:
        status, answer = await call(hub, admin, "PATCH", "/api/v1/queues/general", body)
        assert status == 422, (body, answer)
    members: list[Any] = [{"agent_ids": [agent.id, 999_999]}, {"agent_ids": ["1"]}, {"agent_ids": [0]}, {}]
    for body in members:
        status, answer = await call(hub, admin, "PUT", "/api/v1/queues/general/members", body)
        assert status == 422, (body, answer)
    status, _ = await call(hub, admin, "PATCH", "/api/v1/queues/nowhere", {"auto_assign": False})
    assert status == 404
    status, _ = await call(hub, admin, "PUT", "/api/v1/queues/NO%20SUCH/members", {"agent_ids": []})
    assert status == 404
    calls: list[tuple[str, str, Any]] = [
        ("GET", "/api/v1/queues", None),
        ("POST", "/api/v1/queues", {"name": "mine"}),
        ("PATCH", "/api/v1/queues/general", {"auto_assign": False}),
        ("PUT", "/api/v1/queues/general/members", {"agent_ids": []}),
    ]
    for method, path, body in calls:
        status, _ = await call(hub, supervisor, method, path, body)
        assert status == 403, (method, path)
    async with db.read() as s:
        general = await s.scalar(select(Queue).where(Queue.name == "general"))
        assert general is not None and general.auto_assign and general.calendar is None
        assert await s.scalar(select(Queue).where(Queue.name == "mine")) is None


async def test_the_start_up_sync_keeps_what_admins_set(hub: Hub, db: Database) -> None:
    admin = await make_token(db, "admin")
    ann = await make_agent(db, "ann@x.test")
    assert (await call(hub, admin, "POST", "/api/v1/queues", {"name": "night", "auto_assign": False}))[0] == 201
    await call(hub, admin, "PUT", "/api/v1/queues/night/members", {"agent_ids": [ann.id]})
    await call(hub, admin, "PATCH", "/api/v1/queues/general", {"auto_assign": False, "display_name": "Everything"})
    # The next start (the file renamed general, and names the admin's queue too).
    configured = (
        QueueConfig("general", "General inbox", calendar=None),
        QueueConfig("night", "Night", auto_assign=True),
    )
    await sync_queues(db, configured)
    _, listed = await call(hub, admin, "GET", "/api/v1/queues")
    by_name = {q["name"]: q for q in listed["queues"]}
    assert by_name["general"]["display_name"] == "General inbox" and by_name["general"]["auto_assign"] is False
    assert by_name["night"] == {**by_name["night"], "display_name": "night", "auto_assign": False, "members": [ann.id],
                                "configured": False}  # fmt: skip


async def test_routing_leaves_a_hand_picked_queues_tickets_for_agents(hub: Hub, db: Database) -> None:
    admin = await make_token(db, "admin")
    await call(hub, admin, "POST", "/api/v1/queues", {"name": "picked", "auto_assign": False})
    agent = await make_agent(db, "ann@x.test")
    ws = await agent_socket(hub.url, await make_session(db, agent))
    try:
        ingest = hub.app[keys.INGESTOR].ingest
        sender = IdentityRef("webchat", "visitor-1")
        picked = (await ingest(InboundEnvelope(channel="webchat", external_id="p1", sender=sender, text="hello",
                                               queue="picked"))).ticket.id  # fmt: skip
        await _settled(hub)
        await hub.app[keys.ROUTING].route(picked)
        async with db.read() as s:
            assert (await s.get_one(Ticket, picked)).assignee_id is None
        # Switched on, routing looks at the queue's waiting work at once and offers it as any other.
        await call(hub, admin, "PATCH", "/api/v1/queues/picked", {"auto_assign": True})

        async def given_out() -> bool:
            async with db.read() as s:
                return (await s.get_one(Ticket, picked)).assignee_id == agent.id

        await until(given_out, what="routing to give out the queue's waiting ticket")
    finally:
        await ws.close()


async def _settled(hub: Hub) -> None:
    await asyncio.sleep(0)
    await asyncio.wait_for(hub.app[keys.ROUTING].idle.wait(), 5)


def test_the_command_line_creates_lists_and_staffs_queues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUB_DATABASE_URL", f"sqlite:///{tmp_path / 'hub.db'}")
    monkeypatch.setenv("HUB_CONFIG", str(PROJECT_ROOT / "config" / "hub.toml"))
    assert main(["db", "upgrade"]) == 0
    assert (
        main(["queue", "create", "night", "--display-name", "Night desk", "--calendar", "cn-office", "--manual"]) == 0
    )
    assert capsys.readouterr().out.splitlines()[-1] == "night\tNight desk\tcn-office\tmanual\tmembers -"
    assert main(["queue", "create", "night"]) == 1
    assert "exists already" in capsys.readouterr().err
    assert main(["queue", "create", "late", "--calendar", "moon"]) == 1
    assert "no calendar named 'moon'" in capsys.readouterr().err
    assert main(["queue", "members", "night", "42"]) == 1
    assert main(["queue", "members", "nowhere"]) == 1
    assert main(["queue", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("night\tNight desk")
