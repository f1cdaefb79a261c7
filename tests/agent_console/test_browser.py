"""A real Chromium: a customer chats on /chat, an agent answers from /console, and nothing runs as script."""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp
from playwright.async_api import Browser, expect

from hub.db.engine import Database
from tests.browser_kit import BROWSER, SEED, XSS, watch_errors
from tests.conftest import PASSWORD, Hub, make_agent, make_token

pytestmark = BROWSER


async def test_chat_round_trip_in_the_browser(hub: Hub, db: Database, browser: Browser, tmp_path: Path) -> None:
    await make_agent(db, "agent@example.test")
    km = await make_token(db, "knowledge_manager")
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {km}"}) as http:
        r = await http.post(f"{hub.url}/api/v1/knowledge/import?publish=1", json=SEED)
        assert r.status == 201
    errors: list[str] = []
    agent = await (await browser.new_context()).new_page()
    customer = await (await browser.new_context()).new_page()
    watch_errors(agent, errors)
    watch_errors(customer, errors)

    await agent.goto(f"{hub.url}/console")
    await expect(agent).to_have_url(f"{hub.url}/login?next=/console")
    await agent.fill("input[name=email]", "agent@example.test")
    await agent.fill("input[name=password]", PASSWORD)
    await agent.click("button[type=submit]")
    await expect(agent).to_have_url(f"{hub.url}/console")
    await expect(agent.locator("#conn")).to_have_text("live")

    await customer.goto(f"{hub.url}/chat")
    await customer.fill("#prechat input[name=name]", "王小明")
    await customer.click("#prechat button")
    text = f"{XSS} 我的快递还没到 where is my parcel"
    await customer.fill("#composer textarea", text)
    await customer.press("#composer textarea", "Enter")
    await expect(customer.locator("#messages .msg-inbound:not(.pending) .text")).to_have_text(text)

    row = agent.locator("#tickets li", has_text="我的快递还没到")
    await expect(row).to_have_count(1)  # arrived live, no reload
    # Chat is offered with an accept countdown; accepting opens the ticket.
    offer = agent.locator("#offers .offer", has_text="我的快递还没到")
    await expect(offer.locator(".countdown")).to_have_text(re.compile(r"^\d+ s$"))
    await agent.screenshot(path=str(tmp_path / "offer.png"))
    await offer.get_by_role("button", name="Accept").click()
    await expect(agent).to_have_url(re.compile(r"/console/tickets/\d+$"))
    await expect(agent.locator("#messages .msg-inbound .text")).to_have_text(text)
    await expect(agent.locator("#conn")).to_have_text("live")
    # The routing engine gave the ticket to the only agent online, and says why.
    await expect(agent.locator("#assignment strong")).to_have_text("Assigned to agent")
    await expect(agent.locator("#assignment li").first).to_contain_text("on Web chat for a general customer")
    await agent.fill("#reply textarea", "您好，包裹明天送达 <b>not bold</b>")
    await agent.click("#reply button[type=submit]")
    await expect(agent.locator(".msg-outbound .delivery")).to_have_text("sent")

    await expect(customer.locator("#messages .msg-outbound .text")).to_have_text("您好，包裹明天送达 <b>not bold</b>")
    await customer.screenshot(path=str(tmp_path / "chat.png"))
    await agent.screenshot(path=str(tmp_path / "console.png"))

    await customer.reload()  # the token in localStorage resumes the same conversation
    await expect(customer.locator("#messages .msg")).to_have_count(2)
    await expect(customer.locator("#prechat")).to_be_hidden()

    # Knowledge: a suggestion for the customer's question, inserted into the reply box as the full answer.
    await customer.fill("#composer textarea", "我想申请退款，多久到账？")
    await customer.press("#composer textarea", "Enter")
    await expect(agent.locator("#kb-results .kb-title").first).to_contain_text("申请退款")
    await agent.screenshot(path=str(tmp_path / "knowledge.png"))
    await agent.locator("#kb-results .kb-item").first.locator('[data-act="full"]').click()
    await expect(agent.locator("#reply textarea")).to_have_value(re.compile("3-5个工作日"))
    await agent.fill("#reply textarea", "")

    # Solve from the console; the customer's next message reopens the same ticket, live in the view.
    await agent.click("#status-actions button[data-status=solved]")
    await expect(agent.locator("#status")).to_have_text("solved")
    await customer.fill("#composer textarea", "还有一个问题 one more thing")
    await customer.press("#composer textarea", "Enter")
    await expect(agent.locator("#messages .msg-inbound .text").last).to_have_text("还有一个问题 one more thing")
    await expect(agent.locator("#status")).to_have_text("open")

    for page in (agent, customer):
        assert await page.evaluate("window.__xss") is None
        assert await page.locator("#messages img, #messages script, #messages b").count() == 0
    assert errors == []
