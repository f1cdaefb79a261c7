"""The chat widget in Chromium: it sends again what a dropped connection lost, and a website's signed visitor."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from playwright.async_api import Browser, WebSocketRoute, expect
from sqlalchemy import select

from hub.app import create_app
from hub.channels.webchat.config import WebchatConfig
from hub.channels.webchat.identity import signature
from hub.db.engine import Database
from hub.db.models import Identity, Interaction, Ticket
from hub.settings import Settings
from tests.browser_kit import BROWSER, watch_errors
from tests.conftest import Hub
from tests.waiting import until

pytestmark = BROWSER
SECRET = "shop-identity-secret-for-the-browser"


async def texts(db: Database) -> list[str]:
    """What the visitor's messages stored, in order."""
    async with db.read() as s:
        query = select(Interaction.text).where(Interaction.direction == "inbound").order_by(Interaction.id)
        return list(await s.scalars(query))


async def test_the_widget_sends_again_what_a_dropped_connection_lost(
    hub: Hub, db: Database, browser: Browser, tmp_path: Path, admin_token: str
) -> None:
    page = await (await browser.new_context()).new_page()
    errors: list[str] = []
    watch_errors(page, errors)
    lost: list[str] = []
    closing: set[asyncio.Future[None]] = set()

    async def cut_after_first_message(ws: WebSocketRoute) -> None:
        # Between the page and the hub: the first chat message is swallowed and the connection dropped with it,
        # as a train going into a tunnel would; later connections pass untouched.
        server = ws.connect_to_server()

        def from_page(message: str | bytes) -> None:
            if not lost and isinstance(message, str) and '"message"' in message and "/visitor" in message:
                lost.append(message)
                closing.add(asyncio.ensure_future(ws.close(code=4000, reason="tunnel")))
                return
            server.send(message)

        ws.on_message(from_page)
        server.on_message(lambda message: ws.send(message))

    await page.route_web_socket("**/socket.io/**", cut_after_first_message)
    await page.goto(f"{hub.url}/chat")
    await page.click("#prechat button")
    await page.fill("#composer textarea", "first, into the tunnel · 第一条")
    await page.press("#composer textarea", "Enter")
    await page.fill("#composer textarea", "second, while reconnecting · 第二条")
    await page.press("#composer textarea", "Enter")
    messages = page.locator("#messages .msg-inbound:not(.pending) .text")
    # Reconnecting and sending again take a while on a busy machine: wait for it, however long it takes.
    await expect(messages).to_have_text(
        ["first, into the tunnel · 第一条", "second, while reconnecting · 第二条"], timeout=60_000
    )
    assert lost  # the first message really was lost on the way once
    await page.screenshot(path=str(tmp_path / "chat-resent.png"))
    await expect(page.locator("#notice")).to_contain_text("No agent is online")
    ticket_id = await _ticket_of(db, "first, into the tunnel · 第一条")
    reply = f"{hub.url}/api/v1/tickets/{ticket_id}/replies"
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {admin_token}"}) as http,
        http.post(reply, json={"text": "We are here"}) as r,
    ):
        assert r.status == 201
    await expect(page.locator("#messages .msg-outbound .text")).to_have_text("We are here")
    await expect(page.locator("#notice")).to_be_hidden()  # an agent answered: the notice no longer holds
    assert await texts(db) == ["first, into the tunnel · 第一条", "second, while reconnecting · 第二条"]

    # Sent but never acknowledged when the page went away: the next page sends it again (stored once).
    left = json.dumps([{"id": "left-behind-01", "text": "typed, then the tab closed"}])
    await page.evaluate("left => localStorage.setItem('hub.visitor_outbox', left)", left)
    await page.reload()
    await expect(page.locator("#messages .msg-inbound:not(.pending) .text")).to_have_count(3)
    await until(lambda: _stored(db, "typed, then the tab closed"))
    assert (await texts(db)).count("typed, then the tab closed") == 1
    assert await page.evaluate("localStorage.getItem('hub.visitor_outbox')") == "[]"
    assert [e for e in errors if "WebSocket" not in e] == []


async def _ticket_of(db: Database, text: str) -> int:
    async with db.read() as s:
        ticket_id = await s.scalar(select(Interaction.ticket_id).where(Interaction.text == text))
    assert ticket_id is not None
    return ticket_id


async def _stored(db: Database, text: str) -> bool:
    return text in await texts(db)


async def test_a_signed_in_visitor_of_the_website_chats_as_themselves(
    settings: Settings, aiohttp_server: Callable[..., Any], db: Database, browser: Browser, tmp_path: Path
) -> None:
    custom = settings.with_channel("webchat", WebchatConfig(identity_secrets={"shop": SECRET}))
    app = create_app(custom)
    shop = Hub(await aiohttp_server(app), app, custom)
    email = "li.na@example.cn"
    site = {"widget": "shop", "name": "李娜", "email": email, "identifier_hash": signature(SECRET, email)}
    page = await (await browser.new_context()).new_page()
    errors: list[str] = []
    watch_errors(page, errors)
    # The website's own page on another origin, with the hash its server computed, embedding the widget.
    html = (
        f"<html><body><h1>Shop</h1><script>window.hubChat = {json.dumps(site)};</script>"
        f'<script src="{shop.url}/chat/widget.js"></script></body></html>'
    )
    website = web.Application()

    async def page_of_the_shop(_request: web.Request) -> web.Response:
        return web.Response(text=html, content_type="text/html")

    async def no_icon(_request: web.Request) -> web.Response:
        return web.Response(status=204)

    website.router.add_get("/", page_of_the_shop)
    website.router.add_get("/favicon.ico", no_icon)
    site_server = await aiohttp_server(website)
    await page.goto(str(site_server.make_url("/")))
    await page.get_by_role("button", name="Open chat").click()
    chat = page.frame_locator("iframe[title=Chat]")
    await expect(chat.locator("#composer")).to_be_visible()  # signed: no form to fill in
    await expect(chat.locator("#prechat")).to_be_hidden()
    await chat.locator("#composer textarea").fill("我是会员，积分没到账")
    await chat.locator("#composer textarea").press("Enter")
    await expect(chat.locator("#messages .msg-inbound:not(.pending) .text")).to_have_text("我是会员，积分没到账")
    await page.screenshot(path=str(tmp_path / "shop-signed-chat.png"))
    frame = next(f for f in page.frames if f.url.startswith(f"{shop.url}/chat"))
    assert "#" not in frame.url and "identifier_hash" not in frame.url  # the hash left the address at once
    async with db.read() as s:
        ticket = await s.scalar(select(Ticket).order_by(Ticket.id.desc()))
        assert ticket is not None
        mine = select(Identity.kind, Identity.verified).where(Identity.customer_id == ticket.customer_id)
        kinds = dict((await s.execute(mine)).all())
    assert kinds == {"email": True, "webchat": True}
    assert errors == []
