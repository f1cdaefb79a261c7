"""A chat every eligible agent passed on is offered again after a pause, and the visitor hears we are still looking."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from hub.app import create_app
from hub.db.engine import Database
from hub.db.models import Agent
from hub.routing.config import RoutingConfigError, parse_routing
from hub.settings import Settings
from tests.conftest import Hub, make_agent, make_session
from tests.routing.test_routing_policy import BASE, _csrf, console, settled, ticket_row
from tests.sockets import agent_socket, visitor
from tests.waiting import until


@pytest.fixture
def routed(settings: Settings, aiohttp_server: Callable[..., Any], tmp_path: Path) -> Callable[[str], Any]:
    async def start(extra: str) -> Hub:
        path = tmp_path / "routing.toml"
        path.write_text(BASE + extra, encoding="utf-8")
        custom = dataclasses.replace(settings, routing_config=str(path))
        app = create_app(custom)
        return Hub(await aiohttp_server(app), app, custom)

    return start


async def decline(hub: Hub, cookie: dict[str, str], ticket_id: int) -> None:
    async with aiohttp.ClientSession() as http:
        csrf = await _csrf(http, hub, cookie)
        async with http.post(f"{hub.url}/api/v1/tickets/{ticket_id}/offer", json={"accept": False}, headers=csrf) as r:
            assert r.status == 200


async def test_the_only_agent_declines_and_is_offered_the_chat_again_after_the_pause(
    routed: Callable[[str], Any], db: Database
) -> None:
    hub = await routed("[offers]\nwebchat = 30\nreoffer_after_seconds = 1\n")
    ann = await make_agent(db, "ann@x.test")
    async with db.write() as uow:
        (await uow.session.get_one(Agent, ann.id)).languages = ["zh", "en"]
    ann_ws = await agent_socket(hub.url, await make_session(db, ann))
    ann_api = {"Cookie": f"hub_session={await make_session(db, ann)}"}
    guest = await visitor(hub.url)
    await guest.next("session")
    ack = await guest.call("message", {"text": "你好，我想退货，订单 20261124-88", "client_id": "zh-1"})
    ticket_id = ack["ticket_id"]
    await ann_ws.next_matching("offer", lambda o: o["ticket"]["id"] == ticket_id)
    await decline(hub, ann_api, ticket_id)

    # Nobody else is there: the visitor is told, in their language, and when we try again.
    notice = await guest.next_matching("notice", lambda n: n["code"] == "still_looking")
    assert notice["lang"] == "zh" and "仍在为您寻找客服" in notice["text"] and notice["retry_at"]
    waiting = await ticket_row(db, ticket_id)
    assert waiting.assignee_id is None and waiting.assignment["reoffer_at"] == notice["retry_at"]
    assert "already offered this ticket" in waiting.assignment["reasons"][-1]

    # After the pause the chat goes to Ann again, the only one on duty.
    again = await ann_ws.next_matching("offer", lambda o: o["ticket"]["id"] == ticket_id, timeout=30)
    assert again["expires_at"]
    offered = await ticket_row(db, ticket_id)
    assert offered.assignee_id == ann.id and offered.assignment["state"] == "offered"
    assert "reoffer_at" not in offered.assignment
    for probe in (guest, ann_ws):
        await probe.close()


async def test_a_missed_offer_comes_back_too_and_english_visitors_hear_english(
    routed: Callable[[str], Any], db: Database
) -> None:
    # Ann stays available after missing it (as a team may configure): the ticket comes back to her.
    hub = await routed(
        "[offers]\nwebchat = 1\nreoffer_after_seconds = 2\n[presence]\naway_after_missed_offer = false\n"
    )
    _ann, ann_ws = await console(hub, db, "ann@x.test")
    guest = await visitor(hub.url)
    await guest.next("session")
    ack = await guest.call("message", {"text": "Hello, where is my parcel?", "client_id": "en-1"})
    first = await ann_ws.next_matching("offer", lambda o: o["ticket"]["id"] == ack["ticket_id"])
    notice = await guest.next_matching("notice", lambda n: n["code"] == "still_looking", timeout=30)
    assert notice["lang"] == "en" and "still looking for someone to help you" in notice["text"]
    second = await ann_ws.next_matching("offer", lambda o: o["ticket"]["id"] == ack["ticket_id"], timeout=30)
    assert second["expires_at"] > first["expires_at"]
    await settled(hub)
    for probe in (guest, ann_ws):
        await probe.close()


def test_the_pause_is_set_in_offers_and_checked() -> None:
    assert parse_routing({}, "t").reoffer_after_s == 30
    config = parse_routing({"offers": {"webchat": 20, "reoffer_after_seconds": 45}}, "t")
    assert config.offers == {"webchat": 20} and config.reoffer_after_s == 45  # not taken for a channel
    for bad in [0, -5, 3601, "soon", True, 1.5]:
        with pytest.raises(RoutingConfigError, match=r"offers\.reoffer_after_seconds"):
            parse_routing({"offers": {"reoffer_after_seconds": bad}}, "t")


async def test_a_declined_offer_frees_the_place_for_another_waiting_chat(
    routed: Callable[[str], Any], db: Database
) -> None:
    hub = await routed("[offers]\nwebchat = 60\nreoffer_after_seconds = 600\n")
    ann = await make_agent(db, "ann@x.test")
    async with db.write() as uow:
        row = await uow.session.get_one(Agent, ann.id)
        row.languages, row.capacity = ["zh", "en"], {"webchat": 1}
    ann_ws = await agent_socket(hub.url, await make_session(db, ann))
    ann_api = {"Cookie": f"hub_session={await make_session(db, ann)}"}
    first, second = await visitor(hub.url), await visitor(hub.url)
    for guest in (first, second):
        await guest.next("session")
    ack = await first.call("message", {"text": "hello, where is my parcel?", "client_id": "parcel-1"})
    assert ack["ok"], ack
    one = ack["ticket_id"]
    await ann_ws.next_matching("offer", lambda o: o["ticket"]["id"] == one)
    two = (await second.call("message", {"text": "hi, I need an invoice", "client_id": "invoice-1"}))["ticket_id"]

    async def waiting() -> bool:  # Ann's one place is held by the first offer: the second chat waits
        return (await ticket_row(db, two)).assignment.get("state") == "waiting"

    await until(waiting, what="the second chat to wait for a free place")
    await decline(hub, ann_api, one)

    # Her place is free at once: the chat that waited is offered to her (the declined one not, for its pause).
    offer = await ann_ws.next_matching("offer", lambda o: o["ticket"]["id"] == two, timeout=30)
    assert offer["ticket"]["id"] == two
    assert (await ticket_row(db, one)).assignee_id is None
    for probe in (first, second, ann_ws):
        await probe.close()
