"""Console over HTTP and sockets: pages per role, the inbox's scope and moves, the composer's channels and
limits, mentions, coaching, collision, macros, transfers (wallboard and reports:
test_wallboard.py, test_reports.py)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from hub.app import create_app
from hub.db.engine import Database
from hub.db.models import Identity, Ticket
from hub.settings import QueueConfig, Settings
from tests.conftest import Hub
from tests.console_kit import console, contact, join_queue
from tests.sockets import agent_socket


@pytest.fixture
async def hub2(settings: Settings, aiohttp_server: Callable[..., Any]) -> Hub:
    """A hub with two queues, general and billing."""
    s = dataclasses.replace(settings, queues=(QueueConfig("general", "General"), QueueConfig("billing", "Billing")))
    app = create_app(s)
    return Hub(await aiohttp_server(app), app, s)


PAGES = {
    "agent": ["/console", "/console/directory"],
    "supervisor": ["/console", "/console/directory", "/console/wallboard", "/console/reports"],
    "knowledge_manager": ["/console/knowledge", "/console/knowledge/new"],
}


@pytest.mark.parametrize("role", sorted(PAGES))
async def test_each_role_sees_its_pages_in_english_and_chinese(hub: Hub, db: Database, role: str) -> None:
    ticket_id = await contact(hub, "我的订单还没到 where is my order")
    async with console(hub, db, f"{role}@example.test", role) as c:
        pages = PAGES[role] + ([f"/console/tickets/{ticket_id}"] if role != "knowledge_manager" else [])
        for path in pages:
            status, html = await c.page(path)
            assert status == 200, (path, status)
            assert '<html lang="en">' in html and "Sign out" in html
        # The choice is kept on the account: every page from now on is in Chinese.
        status, _ = await c.api("GET", "/api/v1/agents")
        async with c.http.post(f"{hub.url}/console/locale", data={"locale": "zh-CN", "csrf": c.csrf, "next": pages[0]},
                               allow_redirects=False) as r:  # fmt: skip
            assert r.status == 302 and r.headers["Location"] == pages[0]
        for path in pages:
            status, html = await c.page(path)
            assert status == 200 and '<html lang="zh-CN">' in html and "退出登录" in html, path
        async with c.http.post(f"{hub.url}/console/locale", data={"locale": "zh-CN", "csrf": "forged"}) as r:
            assert r.status == 403


async def test_pages_of_other_roles_redirect_home(hub: Hub, db: Database) -> None:
    async with console(hub, db, "a@example.test", "agent") as c:
        for path in ("/console/wallboard", "/console/reports"):
            status, _ = await c.page(path)
            assert status == 302, path
        status, html = await c.page("/console/knowledge")  # agents draft articles; knowledge managers publish
        assert status == 200 and '"curator": false' in html  # the page offers them no publishing
        status, _ = await c.api("GET", "/api/v1/console/wallboard")
        assert status == 403


async def test_inbox_scope_follows_queues_and_assignment_and_moves_are_heard(hub2: Hub, db: Database) -> None:
    hub = hub2
    async with console(hub, db, "gen@example.test") as gen, console(hub, db, "boss@example.test", "supervisor") as boss:
        await join_queue(db, gen.agent.id, "general")
        probe = await agent_socket(hub.url, gen.session_token)
        try:
            assert (await probe.call("status", {"status": "busy"}))["ok"]  # so routing leaves the work to the test
            in_general = await contact(hub, "hello", who="g@example.com", queue="general")
            in_billing = await contact(hub, "invoice", who="b@example.com", queue="billing")
            status, state = await gen.api("GET", "/api/v1/console/inbox")
            assert status == 200 and state["queues"] == ["general"] and state["me"] == gen.agent.id
            assert [t["id"] for t in state["tickets"]] == [in_general]
            assert state["event_id"] > 0
            _, everything = await boss.api("GET", "/api/v1/console/inbox")
            assert {t["id"] for t in everything["tickets"]} == {in_general, in_billing}
            # Moved out of the agent's queue: the agent still hears it (and drops it from the inbox).
            status, _ = await boss.api("PATCH", f"/api/v1/tickets/{in_general}", {"queue": "billing"})
            assert status == 200
            moved = await probe.next_matching(
                "ticket", lambda e: e["ticket"]["id"] == in_general and e["ticket"]["queue"] == "billing"
            )
            assert moved["eid"] > state["event_id"]
            # Assigned to the agent in a queue they are not in: "mine" still reaches them, with a larger id.
            status, _ = await boss.api("PATCH", f"/api/v1/tickets/{in_billing}", {"assignee_id": gen.agent.id})
            assert status == 200
            mine = await probe.next_matching(
                "ticket", lambda e: e["ticket"]["id"] == in_billing and e["ticket"]["assignee_id"] == gen.agent.id
            )
            assert mine["eid"] > moved["eid"]
            _, state = await gen.api("GET", "/api/v1/console/inbox")
            assert [t["id"] for t in state["tickets"]] == [in_billing]
        finally:
            await probe.close()


async def test_composer_channels_limits_mentions_and_coaching(twilio_hub: Hub, db: Database) -> None:
    hub = twilio_hub
    async with (
        console(hub, db, "ann@example.test") as ann,
        console(hub, db, "ben@example.test") as ben,
        console(hub, db, "sue@example.test", "supervisor") as sue,
    ):
        ticket_id = await contact(hub, "Where is my refund?", who="lee@example.com")
        # The customer's phone number is known too: another channel to answer on.
        async with db.write() as uow:
            ticket = await uow.session.get_one(Ticket, ticket_id)
            uow.session.add(Identity(customer_id=ticket.customer_id, kind="phone", value="+14155550111"))
        replies = f"/api/v1/tickets/{ticket_id}/replies"
        status, seen = await ann.api("GET", f"/api/v1/console/tickets/{ticket_id}")  # what the workspace shows
        assert status == 200 and {"sms.twilio", "email"} <= set(seen["channels"])
        assert seen["channels"]["sms.twilio"]["max_chars"] == 1600
        status, body = await ann.api("POST", replies, {"text": "x" * 1601, "channel": "sms.twilio"})
        assert status == 422 and "1600" in body["error"]["message"]
        status, body = await ann.api("POST", replies, {"text": "hi", "channel": "wechat"})
        assert status == 422 and "cannot be reached" in body["error"]["message"]
        status, body = await ann.api("POST", replies, {"text": "Refund sent today.", "channel": "sms.twilio"})
        assert status == 201 and body["interaction"]["channel"] == "sms.twilio"
        # A note that mentions Ben by name reaches Ben's console, wherever he is.
        bens_socket = await agent_socket(hub.url, ben.session_token)
        try:
            status, body = await ann.api("POST", replies, {"text": "@ben can you check?", "internal": True})
            assert status == 201 and body["interaction"]["meta"]["mentions"] == [ben.agent.id]
            mention = await bens_socket.next("mention")
            assert mention["ticket"]["id"] == ticket_id and mention["by"] == "ann"
            # Coaching: only supervisors, only notes, and only the assigned agent (Ann, who replied) sees it.
            status, _ = await ann.api("POST", replies, {"text": "psst", "internal": True, "coach": True})
            assert status == 403
            status, body = await sue.api(
                "POST",
                replies,
                {"text": "Offer the voucher", "internal": True, "coach": True},
            )
            assert status == 201 and body["interaction"]["meta"]["coach_for"] == ann.agent.id
            _, seen_by_ann = await ann.api("GET", f"/api/v1/tickets/{ticket_id}")
            _, seen_by_ben = await ben.api("GET", f"/api/v1/tickets/{ticket_id}")
            assert "Offer the voucher" in [i["text"] for i in seen_by_ann["interactions"]]
            assert "Offer the voucher" not in [i["text"] for i in seen_by_ben["interactions"]]
            _, seen = await ben.api("GET", f"/api/v1/console/tickets/{ticket_id}")
            assert "Offer the voucher" not in [i["text"] for i in seen["interactions"]]
        finally:
            await bens_socket.close()


async def test_two_agents_on_one_ticket_see_each_other_typing(hub: Hub, db: Database) -> None:
    ticket_id = await contact(hub, "help")
    async with console(hub, db, "ann@example.test") as ann, console(hub, db, "ben@example.test") as ben:
        a, b = await agent_socket(hub.url, ann.session_token), await agent_socket(hub.url, ben.session_token)
        try:
            await a.call("watch", {"ticket_id": ticket_id})
            ack = await b.call("watch", {"ticket_id": ticket_id})
            assert [v["name"] for v in ack["viewers"]] == ["ann", "ben"]
            await b.emit("typing", {"ticket_id": ticket_id, "typing": True, "internal": False})
            seen = await a.next_matching("viewers", lambda e: any(v["typing"] for v in e["viewers"]))
            assert [(v["name"], v["typing"]) for v in seen["viewers"]] == [("ann", False), ("ben", True)]
            await b.close()
            left = await a.next_matching("viewers", lambda e: len(e["viewers"]) == 1)
            assert left["viewers"][0]["name"] == "ann"
        finally:
            await a.close()


async def test_macros_fill_in_and_act_and_belong_to_their_owner(hub: Hub, db: Database) -> None:
    ticket_id = await contact(hub, "refund please", who="mia@example.com")
    async with console(hub, db, "ann@example.test") as ann, console(hub, db, "sue@example.test", "supervisor") as sue:
        body = "Dear {{customer.name}}, refund for #{{ticket.id}} started. {{agent.name}}"
        macro = {"title": "Refund started", "body": body, "actions": {"status": "pending", "add_tags": ["refund"]}}
        status, shared = await sue.api("POST", "/api/v1/macros", {**macro, "shared": True})
        assert status == 201 and shared["shared"]
        status, _ = await ann.api("POST", "/api/v1/macros", {**macro, "shared": True})
        assert status == 403
        status, body = await ann.api("POST", "/api/v1/macros", {"title": "x", "body": "{{customer.secret}}"})
        assert status == 400 and "customer.secret" in body["error"]["message"]
        status, own = await ann.api("POST", "/api/v1/macros", {"title": "Mine", "body": "Thanks!"})
        assert status == 201
        _, listed = await sue.api("GET", "/api/v1/macros")
        assert [m["title"] for m in listed["macros"]] == ["Refund started"]  # Ann's own is hers
        status, used = await ann.api("POST", f"/api/v1/tickets/{ticket_id}/macros/{shared['id']}")
        assert status == 200 and used["text"] == f"Dear mia@example.com, refund for #{ticket_id} started. ann"
        assert used["ticket"]["status"] == "pending" and used["ticket"]["tags"] == ["refund"]
        status, _ = await ann.api("PUT", f"/api/v1/macros/{shared['id']}", {"title": "t", "body": "b"})
        assert status == 403
        status, _ = await ann.api("DELETE", f"/api/v1/macros/{own['id']}")
        assert status == 200
        _, listed = await ann.api("GET", "/api/v1/macros")
        assert listed["macros"][0]["uses"] == 1


async def test_an_agent_transfers_their_own_ticket_but_not_others(hub2: Hub, db: Database) -> None:
    hub = hub2
    ticket_id = await contact(hub, "question", queue="general")
    async with console(hub, db, "ann@example.test") as ann, console(hub, db, "ben@example.test") as ben:
        status, _ = await ann.api("PATCH", f"/api/v1/tickets/{ticket_id}", {"assignee_id": ann.agent.id})
        assert status == 200
        status, _ = await ben.api("PATCH", f"/api/v1/tickets/{ticket_id}", {"assignee_id": ben.agent.id})
        assert status == 403
        status, _ = await ann.api("PATCH", f"/api/v1/tickets/{ticket_id}", {"priority": "urgent"})
        assert status == 403
        status, body = await ann.api("PATCH", f"/api/v1/tickets/{ticket_id}", {"assignee_id": ben.agent.id})
        assert status == 200 and body["ticket"]["assignee_id"] == ben.agent.id
        status, body = await ben.api("PATCH", f"/api/v1/tickets/{ticket_id}", {"queue": "billing", "assignee_id": None})
        assert status == 200 and body["ticket"]["queue"] == "billing" and body["ticket"]["assignee_id"] is None


async def test_an_agent_sets_their_own_capacity_never_above_what_is_allowed(hub: Hub, db: Database) -> None:
    from hub.routing.roster import load_roster

    async with console(hub, db, "ann@example.test") as ann:
        status, html = await ann.page("/console")
        boot = json.loads(html.split('<script id="boot" type="application/json">')[1].split("</script>")[0])
        assert status == 200 and {"channel": "webchat", "current": 3, "max": 3} in boot["limits"]  # routing default
        status, body = await ann.api("PUT", "/api/v1/agents/me/limits", {"webchat": 1, "email": 0})
        assert status == 200 and body["own_limits"] == {"webchat": 1, "email": 0}
        async with db.read() as s:
            [(profile, _state)] = await load_roster(s, [ann.agent.id])
        assert profile.capacity["webchat"] == 1 and profile.capacity["email"] == 0
        for bad, code in (({"webchat": 4}, 422), ({"webchat": -1}, 422), ({"fax": 1}, 400), ({"webchat": "2"}, 422)):
            status, _ = await ann.api("PUT", "/api/v1/agents/me/limits", bad)
            assert status == code, bad
        status, body = await ann.api("PUT", "/api/v1/agents/me/limits", {})
        assert status == 200
        async with db.read() as s:
            [(profile, _state)] = await load_roster(s, [ann.agent.id])
        assert "webchat" not in profile.capacity  # back to the routing default


async def test_a_chat_reply_cannot_carry_a_file_but_a_note_can(hub: Hub, db: Database) -> None:
    ticket_id = await contact(hub, "hello", who="visitor-key-1", kind="webchat", channel="webchat")
    async with console(hub, db, "ann@example.test") as ann:
        form = aiohttp.FormData()
        form.add_field("file", b"PNG...", filename="shot.png", content_type="image/png")
        async with ann.http.post(f"{hub.url}/api/v1/attachments", data=form, headers={"X-CSRF-Token": ann.csrf}) as r:
            assert r.status == 201
            stored = (await r.json())["attachment"]
        replies = f"/api/v1/tickets/{ticket_id}/replies"
        status, body = await ann.api("POST", replies, {"text": "see file", "attachments": [stored]})
        assert status == 422 and "cannot carry files" in body["error"]["message"]
        status, body = await ann.api("POST", replies, {"text": "screenshot", "internal": True, "attachments": [stored]})
        assert status == 201 and body["interaction"]["attachments"][0]["filename"] == "shot.png"
        status, seen = await ann.api("GET", f"/api/v1/console/tickets/{ticket_id}")
        assert status == 200 and [a["storage_key"] for a in seen["interactions"][-1]["attachments"]] == [
            stored["storage_key"]
        ]
