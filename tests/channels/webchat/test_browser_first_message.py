"""The chat widget in Chromium: what a visitor types before pressing "Start chat" starts the chat and is sent."""

from __future__ import annotations

import os
from pathlib import Path

import aiohttp
import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import select

from hub.db.engine import Database
from hub.db.models import Customer, Interaction, Ticket
from tests.browser_kit import BROWSER, watch_errors
from tests.conftest import Hub

ROOT = Path(__file__).resolve().parents[3]
SHOTS = Path(os.environ.get("HUB_TEST_ARTIFACTS", ROOT / "var" / "test-artifacts")) / "screenshots"
pytestmark = BROWSER


@pytest.mark.parametrize("width", [1024, 390])
async def test_a_message_typed_before_starting_starts_the_chat_and_reaches_the_agent(
    hub: Hub, db: Database, browser: Browser, admin_token: str, width: int
) -> None:
    page = await (await browser.new_context(viewport={"width": width, "height": 700})).new_page()
    errors: list[str] = []
    watch_errors(page, errors)
    await page.goto(f"{hub.url}/chat")
    await expect(page.locator("#prechat")).to_be_visible()
    await expect(page.locator("#composer textarea")).to_be_visible()  # shown at once: writing is how to start
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"chat-before-start-{width}.png"))
    await page.fill("#prechat input[name=name]", "陈静")
    await page.fill("#composer textarea", "你好，我的包裹还没到 where is my parcel?")
    await page.press("#composer textarea", "Enter")
    sent = page.locator("#messages .msg-inbound:not(.pending):not(.failed) .text")
    await expect(sent).to_have_text("你好，我的包裹还没到 where is my parcel?")
    await expect(page.locator("#prechat")).to_be_hidden()
    await page.screenshot(path=str(SHOTS / f"chat-first-message-{width}.png"))
    async with db.read() as s:
        row = (
            await s.execute(
                select(Ticket.id, Ticket.channel, Customer.display_name)
                .join(Interaction, Interaction.ticket_id == Ticket.id)
                .join(Customer, Customer.id == Ticket.customer_id)
                .where(Interaction.text == "你好，我的包裹还没到 where is my parcel?")
            )
        ).one()
    ticket_id, channel, name = row
    assert (channel, name) == ("webchat", "陈静")  # the name typed in the form came along
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {admin_token}"}) as http,
        http.get(f"{hub.url}/api/v1/tickets/{ticket_id}") as r,
    ):
        body = await r.json()
    assert [i["text"] for i in body["interactions"] if i["direction"] == "inbound"] == [
        "你好，我的包裹还没到 where is my parcel?"
    ]
    # Typing more after the start goes on in the same chat.
    await page.fill("#composer textarea", "order 1234")
    await page.press("#composer textarea", "Enter")
    await expect(sent).to_have_text(["你好，我的包裹还没到 where is my parcel?", "order 1234"])
    assert errors == []
