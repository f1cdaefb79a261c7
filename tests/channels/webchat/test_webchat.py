"""Web chat over real socket.io clients: visitor -> agent console -> reply -> visitor."""

from __future__ import annotations

import asyncio
import uuid

import aiohttp
from sqlalchemy import func, select

from hub.db.engine import Database
from hub.db.models import Customer, HistoryEntry, Interaction
from tests.conftest import Hub, make_agent, make_session
from tests.sockets import agent_socket, visitor


async def test_round_trip_visitor_agent_reply(hub: Hub, db: Database, admin_token: str) -> None:
    agent = await make_agent(db)
    console = await agent_socket(hub.url, await make_session(db, agent))
    guest = await visitor(hub.url, name="李雷", email="li.lei@example.cn")
    session = await guest.next("session")
    assert session["resumed"] is False and session["visitor_token"].startswith("v1.")
    text = f"你好, I need help {uuid.uuid4()}"

    ack = await guest.call("message", {"text": text})
    assert ack["ok"] is True and isinstance(ack["id"], int)
    pushed = await console.next_matching("message", lambda e: e["interaction"]["text"] == text)
    assert pushed["interaction"]["id"] == ack["id"]
    assert pushed["ticket"]["customer_name"] == "李雷"

    # The message was stored before the ack: it is there for anyone to read now.
    async with db.read() as s:
        row = await s.get(Interaction, ack["id"])
        assert row is not None and row.text == text and row.meta["claimed_email"] == "li.lei@example.cn"

    headers = {"Authorization": f"Bearer {admin_token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        r = await http.post(f"{hub.url}/api/v1/tickets/{ack['ticket_id']}/replies", json={"text": "我们来帮您 👋"})
        assert r.status == 201
    reply = await guest.next("message")
    assert reply["text"] == "我们来帮您 👋" and reply["direction"] == "outbound"
    delivered = await console.next_matching("delivery", lambda e: e["status"] == "sent")
    assert delivered["ticket_id"] == ack["ticket_id"]

    async with db.read() as s:
        kinds = list(
            await s.scalars(
                select(HistoryEntry.kind).where(HistoryEntry.ticket_id == ack["ticket_id"]).order_by(HistoryEntry.id)
            )
        )
    # Routing may have offered the chat to the agent first (the timeline then says so).
    assert [k for k in kinds if k != "ticket.offered"] == ["ticket.created", "contact.inbound", "contact.outbound"]
    await guest.close()
    await console.close()


async def test_reload_resumes_conversation_with_history(hub: Hub) -> None:
    first = await visitor(hub.url)
    token = (await first.next("session"))["visitor_token"]
    one = await first.call("message", {"text": "first message"})
    await first.close()

    again = await visitor(hub.url, visitor_token=token)
    session = await again.next("session")
    assert session["resumed"] is True and session["visitor_token"] == token
    assert [m["text"] for m in session["messages"]] == ["first message"]
    two = await again.call("message", {"text": "second message"})
    assert two["ticket_id"] == one["ticket_id"]
    await again.close()


async def test_forged_or_unknown_token_starts_new_visitor(hub: Hub) -> None:
    owner = await visitor(hub.url)
    token = (await owner.next("session"))["visitor_token"]
    await owner.call("message", {"text": "private order details"})
    await owner.close()

    for forged in [token[:-2] + "xx", "v1.made-up", "", "x" * 5000]:
        intruder = await visitor(hub.url, visitor_token=forged)
        session = await intruder.next("session")
        assert session["resumed"] is False
        assert session["visitor_token"] not in (token, forged)
        assert session["messages"] == []
        await intruder.close()


async def test_oversize_message_is_refused_and_nothing_stored(hub: Hub, db: Database) -> None:
    guest = await visitor(hub.url)
    await guest.next("session")
    limit = hub.settings.chat_max_message_bytes
    # 3-byte characters: under the limit in characters, over it in bytes.
    ack = await guest.call("message", {"text": "字" * (limit // 3 + 1)})
    assert ack["ok"] is False and ack["error"]["code"] == "too_large"
    error = await guest.next("error")
    assert error["code"] == "too_large" and str(limit) in error["message"]
    for bad in [None, "just a string", {"text": 42}, {"text": "   "}, {"text": "ok", "client_id": "<script>"}]:
        refused = await guest.call("message", bad)
        assert refused["ok"] is False
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(Interaction)) == 0
        assert await s.scalar(select(func.count()).select_from(Customer)) == 0
    ok = await guest.call("message", {"text": "字" * (limit // 3)})
    assert ok["ok"] is True
    await guest.close()


async def test_resend_with_same_client_id_is_stored_once(hub: Hub, db: Database) -> None:
    guest = await visitor(hub.url)
    await guest.next("session")
    first = await guest.call("message", {"text": "are you there?", "client_id": "abc12345"})
    again = await guest.call("message", {"text": "are you there?", "client_id": "abc12345"})
    assert again["id"] == first["id"] and again["duplicate"] is True
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(Interaction)) == 1
    await guest.close()


async def test_no_agent_online_still_makes_ticket_and_says_when(hub: Hub, db: Database) -> None:
    guest = await visitor(hub.url)
    await guest.next("session")
    ack = await guest.call("message", {"text": "anyone?"})
    assert ack["ok"] and ack["notice"]["code"] == "agents_offline"
    notice = await guest.next("notice")
    assert f"#{ack['ticket_id']}" in notice["text"] and notice["expected_by"]

    agent = await make_agent(db)
    console = await agent_socket(hub.url, await make_session(db, agent))
    ack2 = await guest.call("message", {"text": "still there?"})
    assert "notice" not in ack2
    await console.close()
    await guest.close()


async def test_typing_indicator_both_ways(hub: Hub, db: Database) -> None:
    agent = await make_agent(db)
    console = await agent_socket(hub.url, await make_session(db, agent))
    guest = await visitor(hub.url)
    await guest.next("session")
    ack = await guest.call("message", {"text": "hello"})
    assert (await console.call("watch", {"ticket_id": ack["ticket_id"]}))["ok"]
    await guest.emit("typing", {"typing": True})
    seen = await console.next("typing")
    assert seen == {"ticket_id": ack["ticket_id"], "typing": True, "who": "customer"}
    await console.emit("typing", {"ticket_id": ack["ticket_id"], "typing": True})
    assert (await guest.next("typing"))["who"] == "agent"
    await guest.close()
    await console.close()


async def test_agent_socket_requires_login(hub: Hub) -> None:
    from socketio.exceptions import ConnectionError as SioConnectionError

    from tests.sockets import Probe

    for headers in [{}, {"Cookie": "hub_session=forged"}]:
        probe = Probe("/agent")
        try:
            await probe.connect(hub.url, headers=headers)
        except SioConnectionError:
            pass
        else:
            raise AssertionError("agent namespace accepted a connection without a valid session")
        await asyncio.sleep(0)
