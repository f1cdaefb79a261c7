"""Visitors as browsers really behave: two tabs of one chat, reconnects, a reply while away, odd messages."""

from __future__ import annotations

import aiohttp
import pytest
from sqlalchemy import func, select

from hub.db.engine import Database
from hub.db.models import Customer, Interaction
from tests.conftest import Hub, make_agent, make_session
from tests.sockets import agent_socket, visitor


async def reply(hub: Hub, token: str, ticket_id: int, text: str) -> None:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
        r = await http.post(f"{hub.url}/api/v1/tickets/{ticket_id}/replies", json={"text": text})
        assert r.status == 201


async def test_a_second_tab_opened_before_the_first_message_is_the_same_chat(
    hub: Hub, db: Database, admin_token: str
) -> None:
    agent = await make_agent(db)
    console = await agent_socket(hub.url, await make_session(db, agent))
    first = await visitor(hub.url)
    token = (await first.next("session"))["visitor_token"]
    second = await visitor(hub.url, visitor_token=token)  # the page opened again from the same browser
    session = await second.next("session")
    assert session == {"visitor_token": token, "resumed": False, "messages": []}
    ack = await first.call("message", {"text": "订单 1234 还没发货", "client_id": "tab-one-1"})
    shown = await second.next("message")  # the other tab shows what was written in the first
    assert (shown["id"], shown["direction"], shown["text"]) == (ack["id"], "inbound", "订单 1234 还没发货")
    assert (await console.call("watch", {"ticket_id": ack["ticket_id"]}))["ok"] is True
    assert (await console.call("typing", {"ticket_id": ack["ticket_id"], "typing": True}))["ok"] is True
    for tab in (first, second):
        assert (await tab.next("typing"))["who"] == "agent"
    await reply(hub, admin_token, ack["ticket_id"], "马上为您查询")
    for tab in (first, second):
        assert (await tab.next("message"))["text"] == "马上为您查询"
    again = await second.call("message", {"text": "谢谢"})
    assert again["ticket_id"] == ack["ticket_id"]
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(Customer)) == 1
    for probe in (first, second, console):
        await probe.close()


async def test_a_reply_sent_while_the_visitor_was_away_is_there_when_they_reconnect(
    hub: Hub, db: Database, admin_token: str
) -> None:
    guest = await visitor(hub.url)
    token = (await guest.next("session"))["visitor_token"]
    ack = await guest.call("message", {"text": "are you there? 😀", "client_id": "away-1"})
    await guest.drop()  # the laptop's lid closed mid-conversation
    await reply(hub, admin_token, ack["ticket_id"], "Yes, here is your tracking number.")
    back = await visitor(hub.url, visitor_token=token)
    session = await back.next("session")
    assert session["resumed"] is True
    assert [m["text"] for m in session["messages"]] == ["are you there? 😀", "Yes, here is your tracking number."]
    resent = await back.call("message", {"text": "are you there? 😀", "client_id": "away-1"})  # the widget's resend
    assert resent["duplicate"] is True and resent["id"] == ack["id"]
    await back.close()


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "empty"), (" \n\t\u3000", "empty"), ("x" * 20_000, "too_large"), ("😀" * 3000, "too_large")],
)
async def test_messages_refused_by_their_shape_store_nothing(hub: Hub, db: Database, text: str, code: str) -> None:
    guest = await visitor(hub.url)
    await guest.next("session")
    ack = await guest.call("message", {"text": text})
    assert ack["ok"] is False and ack["error"]["code"] == code
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(Interaction)) == 0
    await guest.close()


async def test_a_message_before_the_chat_connected_is_dropped_and_the_next_one_stored(hub: Hub, db: Database) -> None:
    # Engine.IO packets as a hand-rolled client sends them: an event on /visitor before its connect packet.
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(f"{hub.url}/socket.io/?EIO=4&transport=websocket") as ws,
    ):
        assert (await ws.receive_str()).startswith("0{")
        await ws.send_str('42/visitor,1["message",{"text":"too early"}]')
        await ws.send_str('42/visitor,["typing",{"typing":true}]')
        await ws.send_str("40/visitor,{}")
        received = [await ws.receive_str(), await ws.receive_str()]
        assert sorted(p.split(",", 1)[0] for p in received) == ["40/visitor", "42/visitor"]  # connected, session
        await ws.send_str('42/visitor,2["message",{"text":"now connected"}]')
        acked = await ws.receive_str()
        while not acked.startswith("43/"):  # the "nobody online" notice may come first
            acked = await ws.receive_str()
        assert acked.startswith('43/visitor,2[{"ok":true')
    async with db.read() as s:
        assert list(await s.scalars(select(Interaction.text))) == ["now connected"]
