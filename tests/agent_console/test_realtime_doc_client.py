"""A console client written from docs/realtime.md alone: it signs in, resyncs, and sees every offer made to its
agent while visitors start chats (batched or not), accepts one and follows that ticket's events."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import socketio
from yarl import URL

from hub import keys
from hub.agent_console.setup import CONSOLE_FEED
from hub.app import create_app
from hub.db.engine import Database
from hub.db.models import Agent
from hub.events import TicketCreated, TicketUpdated
from hub.settings import Settings
from tests.conftest import PASSWORD, Hub, make_agent
from tests.routing.test_routing_policy import BASE
from tests.sockets import Probe, visitor
from tests.waiting import until

WAIT_S = 30  # five chats stored at once on a busy shared machine: a limit against hanging, not a measurement


class DocConsole:
    """What the document says a console does: sign in with POST /login, connect to /agent with the cookie,
    unpack `batch`, keep each `eid` once, resync from GET /api/v1/console/inbox, and keep the newest ticket."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # 127.0.0.1 keeps cookies
        self.sio = socketio.AsyncClient(reconnection=False)
        self.me: int | None = None
        self.csrf = ""
        self.seen: set[int] = set()
        self.tickets: dict[int, dict[str, Any]] = {}
        self.offers: dict[tuple[int, str], dict[str, Any]] = {}  # (ticket id, expires_at): one offer each
        self.batched_offers = 0
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.hello: dict[str, Any] | None = None
        self.sio.on("*", self._on_any, namespace="/agent")  # before connecting: offers may precede hello

    async def sign_in(self, email: str, password: str) -> None:
        form = {"email": email, "password": password}
        async with self.http.post(f"{self.url}/login", data=form, allow_redirects=False) as r:
            assert r.status == 302, await r.text()
        cookie = self.http.cookie_jar.filter_cookies(URL(self.url))["hub_session"].value
        async with self.http.get(f"{self.url}/console") as r:
            page = await r.text()
        found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
        assert found, "the console page carries its CSRF token"
        self.csrf = found.group(1)
        await self.sio.connect(
            self.url,
            namespaces=["/agent"],
            headers={"Cookie": f"hub_session={cookie}"},
            transports=["websocket"],
            wait_timeout=5,
        )
        await until(lambda: _done(self.hello is not None), timeout=WAIT_S, what="hello")
        await self.resync()

    async def resync(self) -> None:
        async with self.http.get(f"{self.url}/api/v1/console/inbox") as r:
            state = await r.json()
        self.me = state["me"]
        for ticket in state["tickets"]:
            self._keep(ticket)
            if ticket["assignee_id"] == self.me and ticket["assignment"].get("state") == "offered":
                key = (ticket["id"], ticket["assignment"]["expires_at"])
                self.offers.setdefault(key, {"ticket": ticket, "expires_at": key[1], "from": "inbox"})

    async def answer(self, ticket_id: int, accept: bool) -> tuple[int, Any]:
        headers = {"X-CSRF-Token": self.csrf}
        async with self.http.post(
            f"{self.url}/api/v1/tickets/{ticket_id}/offer", json={"accept": accept}, headers=headers
        ) as r:
            return r.status, await r.json()

    async def reply(self, ticket_id: int, text: str) -> int:
        headers = {"X-CSRF-Token": self.csrf}
        async with self.http.post(
            f"{self.url}/api/v1/tickets/{ticket_id}/replies", json={"text": text}, headers=headers
        ) as r:
            return r.status

    async def patch(self, ticket_id: int, change: dict[str, Any]) -> int:
        headers = {"X-CSRF-Token": self.csrf}
        async with self.http.patch(f"{self.url}/api/v1/tickets/{ticket_id}", json=change, headers=headers) as r:
            return r.status

    async def close(self) -> None:
        await self.sio.disconnect()
        await self.http.close()

    async def _on_any(self, event: str, data: Any = None) -> None:
        if event == "batch":
            for name, payload in data:
                self._handle(name, payload, batched=True)
        else:
            self._handle(event, data, batched=False)

    def _handle(self, name: str, payload: Any, batched: bool) -> None:
        eid = payload.get("eid") if isinstance(payload, dict) else None
        if eid is not None:
            if eid in self.seen:
                return  # the same event through a second room
            self.seen.add(eid)
        self.events.append((name, payload))
        if name == "hello":
            self.hello = payload
        if name in ("ticket", "message", "offer", "mention"):
            self._keep(payload["ticket"])
        if name == "offer":
            self.offers[(payload["ticket"]["id"], payload["expires_at"])] = payload
            self.batched_offers += batched

    def _keep(self, ticket: dict[str, Any]) -> None:
        known = self.tickets.get(ticket["id"])
        if known is None or known["updated_at"] <= ticket["updated_at"]:
            self.tickets[ticket["id"]] = ticket

    def offered(self) -> set[tuple[int, str]]:
        return set(self.offers)


async def _done(value: bool) -> bool:
    return value


@pytest.fixture
async def hub(settings: Settings, aiohttp_server: Callable[..., Any], tmp_path: Path) -> Hub:
    """Chat capacity 2; offers stay open, and a declined chat stays away from its decliner, longer than any test."""
    path = tmp_path / "routing.toml"
    path.write_text(BASE + "[offers]\nwebchat = 600\nreoffer_after_seconds = 3600\n", encoding="utf-8")
    custom = dataclasses.replace(settings, routing_config=str(path))
    app = create_app(custom)
    return Hub(await aiohttp_server(app), app, custom)


async def test_a_client_from_the_document_gets_every_offer_and_follows_the_one_it_accepts(
    hub: Hub, db: Database
) -> None:
    agent = await make_agent(db, "ann@x.test")
    async with db.write() as uow:
        (await uow.session.get_one(Agent, agent.id)).languages = ["en"]
    # Every offer the hub makes to Ann, as committed (the bus hears each change after its commit).
    made: set[tuple[int, str]] = set()

    async def offer_made(event: TicketCreated | TicketUpdated) -> None:
        t = event.ticket
        if t.assignee_id == agent.id and t.assignment.get("state") == "offered":
            made.add((t.id, t.assignment["expires_at"]))

    hub.app[keys.DB].bus.subscribe(TicketCreated, offer_made)
    hub.app[keys.DB].bus.subscribe(TicketUpdated, offer_made)
    # A wider gathering window than production's 100 ms, so offers surely also come inside `batch` events.
    hub.app[CONSOLE_FEED].BATCH_WINDOW_S = 1.0

    console = DocConsole(hub.url)
    guests: list[Probe] = []
    try:
        await console.sign_in("ann@x.test", PASSWORD)
        assert console.hello is not None and console.hello["agent_id"] == agent.id == console.me
        guests = list(await asyncio.gather(*(visitor(hub.url) for _ in range(5))))
        for guest in guests:
            await guest.next("session", timeout=WAIT_S)
        acks = await asyncio.gather(
            *(g.call("message", {"text": f"Where is my parcel number {n}?"}, WAIT_S) for n, g in enumerate(guests))
        )
        assert all(a["ok"] for a in acks)
        ticket_of = {a["ticket_id"]: g for a, g in zip(acks, guests, strict=True)}

        # The chat capacity is 2: two offers, and the client has each of them.
        await until(
            lambda: _done(len(made) == 2 and console.offered() == made), timeout=WAIT_S, what="the first two offers"
        )
        accepted, declined = max(t for t, _ in made), min(t for t, _ in made)
        status, body = await console.answer(accepted, accept=True)
        assert status == 200 and body["ticket"]["assignment"]["state"] == "accepted"
        await until(
            lambda: _done(console.tickets[accepted]["assignment"].get("state") == "accepted"),
            timeout=WAIT_S,
            what="the accepted ticket's ticket.updated event",
        )
        await ticket_of[accepted].call("message", {"text": "Thanks! It was due on Monday."}, WAIT_S)
        await until(
            lambda: _done(any(n == "message" and p["event"] == "message.received" and p["ticket"]["id"] == accepted
                              for n, p in console.events)),
            timeout=WAIT_S,
            what="the visitor's next message on the accepted ticket",
        )  # fmt: skip
        assert await console.reply(accepted, "It is on its way; you will have it tomorrow.") == 201
        await until(
            lambda: _done(any(n == "delivery" and p["ticket_id"] == accepted and p["status"] == "sent"
                              for n, p in console.events)),
            timeout=WAIT_S,
            what="the reply's delivery event",
        )  # fmt: skip
        reply = await ticket_of[accepted].next("message", timeout=WAIT_S)
        assert reply["direction"] == "outbound" and reply["ticket_id"] == accepted

        assert (await console.answer(declined, accept=False))[0] == 200
        await until(
            lambda: _done(console.tickets[declined]["assignee_id"] is None),
            timeout=WAIT_S,
            what="the declined ticket's ticket.updated event (back to waiting)",
        )
        assert (await console.answer(declined, accept=True))[0] == 409  # no longer on offer to Ann
        # Solving the accepted chat frees Ann's places: the waiting chats (not the declined one) are offered.
        assert await console.patch(accepted, {"status": "solved"}) == 200
        await until(
            lambda: _done(len(made) == 4 and console.offered() == made),
            timeout=WAIT_S,
            what="two more offers once Ann has room",
        )
        later = {t for t, _ in made} - {accepted, declined}
        assert len(later) == 2 and [t for t, _ in made].count(declined) == 1  # the declined one not offered again

        # Every offer made was received, nothing else, and some came inside a `batch`.
        assert console.offered() == made
        assert console.batched_offers >= 1
        assert all(isinstance(p.get("eid"), int) for n, p in console.events if n in ("ticket", "offer", "message"))
        eids = [p["eid"] for _, p in console.events if isinstance(p, dict) and "eid" in p]
        assert len(eids) == len(set(eids))  # each event once, although some came through two rooms
    finally:
        for guest in guests:
            await guest.close()
        await console.close()
