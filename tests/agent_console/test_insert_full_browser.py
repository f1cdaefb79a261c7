"""An article's full answer inserted in the console reaches the chat widget as rich text, never as raw Markdown."""

from __future__ import annotations

import os
import re
from pathlib import Path

import aiohttp
import pytest
from playwright.async_api import Browser, expect

from hub.db.engine import Database
from tests.browser_kit import BROWSER, SEED, watch_errors
from tests.conftest import PASSWORD, Hub, make_agent, make_token

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("HUB_TEST_ARTIFACTS", ROOT / "var" / "test-artifacts")) / "screenshots"
pytestmark = BROWSER


@pytest.mark.parametrize(("lang", "width"), [("en", 1280), ("zh-CN", 390)])
async def test_an_inserted_full_answer_shows_as_rich_text_in_the_chat(
    hub: Hub, db: Database, browser: Browser, lang: str, width: int
) -> None:
    await make_agent(db, "agent@example.test")
    km = await make_token(db, "knowledge_manager")
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {km}"}) as http:
        r = await http.post(f"{hub.url}/api/v1/knowledge/import?publish=1", json=SEED)
        assert r.status == 201
    errors: list[str] = []
    agent = await (await browser.new_context(locale=lang)).new_page()
    customer = await (await browser.new_context(viewport={"width": width, "height": 700})).new_page()
    watch_errors(agent, errors)
    watch_errors(customer, errors)
    await agent.goto(f"{hub.url}/login?lang={lang}")
    await agent.fill("input[name=email]", "agent@example.test")
    await agent.fill("input[name=password]", PASSWORD)
    await agent.click("button[type=submit]")
    await expect(agent).to_have_url(f"{hub.url}/console")
    await expect(agent.locator("#conn")).to_have_attribute("data-state", "live")

    await customer.goto(f"{hub.url}/chat")
    await customer.fill("#composer textarea", "退款多久到账？")
    await customer.press("#composer textarea", "Enter")
    await expect(customer.locator("#messages .msg-inbound:not(.pending) .text")).to_have_text("退款多久到账？")

    await agent.locator("#tickets li", has_text="退款多久到账").locator("a").first.click()
    await expect(agent).to_have_url(re.compile(r"/console/tickets/\d+$"))
    await expect(agent.locator("#kb-results .kb-title").first).to_contain_text("申请退款")
    await agent.locator("#kb-results .kb-item").first.locator('[data-act="full"]').click()
    await expect(agent.locator("#reply textarea")).to_have_value(re.compile(r"\*\*我的订单\*\*"))
    await agent.locator("#reply textarea").press("Control+Enter")
    sent = agent.locator("#messages .msg-outbound .text")
    await expect(sent).to_contain_text("进入我的订单")  # the agent sees what the customer got: no asterisks
    await expect(sent).not_to_contain_text("**")

    answer = customer.locator("#messages .msg-outbound .text.rich")
    await expect(answer.locator("strong").first).to_have_text("我的订单")
    await expect(answer).not_to_contain_text("**")
    SHOTS.mkdir(parents=True, exist_ok=True)
    await customer.screenshot(path=str(SHOTS / f"chat-rich-answer-{lang}-{width}.png"))
    await agent.screenshot(path=str(SHOTS / f"ticket-rich-answer-{lang}.png"), full_page=True)
    # After a reload the history shows it the same way.
    await customer.reload()
    await expect(customer.locator("#messages .msg-outbound .text.rich strong").first).to_have_text("我的订单")
    assert errors == []
