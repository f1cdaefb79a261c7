"""The console's main journeys in a real Chromium, in English and in Simplified Chinese, with screenshots
of the key pages under var/test-artifacts/screenshots (or $HUB_TEST_ARTIFACTS/screenshots)."""

from __future__ import annotations

import asyncio
import json
import os
import re
from pathlib import Path

import aiohttp
import pytest
from playwright.async_api import Browser, FilePayload, Page, expect

from hub import keys
from hub.db.engine import Database
from tests.agent_console.workspace_kit import go_busy
from tests.browser_kit import BROWSER, SEED, watch_errors
from tests.conftest import PASSWORD, Hub, make_agent, make_token
from tests.console_kit import contact
from tests.sockets import visitor

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("HUB_TEST_ARTIFACTS", ROOT / "var" / "test-artifacts")) / "screenshots"
pytestmark = BROWSER
LANGS = ["en", "zh-CN"]
# What each journey reads on screen, per language: the same page must say it in the user's language.
SAYS = {
    "en": {"inbox": "Inbox", "accept": "Accept", "sent": "sent", "published": "published", "wallboard": "Wallboard",
           "signout": "Sign out", "note": "internal note"},
    "zh-CN": {"inbox": "收件箱", "accept": "接受", "sent": "已发送", "published": "已发布", "wallboard": "监控大屏",
              "signout": "退出登录", "note": "内部备注"},
}  # fmt: skip


async def until_true(page: Page, expression: str, timeout: float = 30) -> None:
    """Poll an expression through evaluate (the console's CSP forbids the eval that wait_for_function uses)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await page.evaluate(expression):
        assert asyncio.get_running_loop().time() < deadline, f"still false after {timeout} s: {expression}"
        await asyncio.sleep(0.2)


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def sign_in(browser: Browser, hub: Hub, email: str, lang: str, errors: list[str]) -> Page:
    page = await (await browser.new_context(locale=lang)).new_page()
    watch_errors(page, errors)
    await page.goto(f"{hub.url}/login?lang={lang}")
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    # The sign-in page has the same lang, so wait until the browser has left it.
    await expect(page).not_to_have_url(re.compile(r"/login"))
    await expect(page.locator("html")).to_have_attribute("lang", lang)
    return page


@pytest.fixture
async def seeded(hub: Hub, db: Database) -> Hub:
    km = await make_token(db, "knowledge_manager")
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {km}"}) as http:
        r = await http.post(f"{hub.url}/api/v1/knowledge/import?publish=1", json=SEED)
        assert r.status == 201
    return hub


@pytest.mark.parametrize("lang", LANGS)
async def test_agent_accepts_an_offer_replies_notes_and_inserts_a_suggestion(
    seeded: Hub, db: Database, browser: Browser, lang: str
) -> None:
    hub, says = seeded, SAYS[lang]
    errors: list[str] = []
    await make_agent(db, "wang@example.test")
    await make_agent(db, "li@example.test")
    page = await sign_in(browser, hub, "wang@example.test", lang, errors)
    await expect(page).to_have_url(f"{hub.url}/console")
    await expect(page.locator("h1")).to_have_text(says["inbox"])
    await expect(page.locator("#conn")).to_have_attribute("data-state", "live")

    guest = await visitor(hub.url, name="王小明")
    try:
        ack = await guest.call("message", {"text": "我想申请退款，多久到账？ how long does a refund take?"})
        assert ack["ok"]
        # The chat is offered with a countdown; "a" accepts it and opens the ticket.
        offer = page.locator("#offers .offer")
        await expect(offer.locator(".countdown")).to_have_text(re.compile(r"\d+"))
        await expect(offer.get_by_role("button", name=says["accept"])).to_be_visible()
        await expect(page.locator("#tickets li")).to_have_count(1)
        await expect(page.locator('[data-count="mine"]')).to_have_text("1")
        await shot(page, f"inbox-offer-{lang}")
        await page.keyboard.press("a")
        await expect(page).to_have_url(re.compile(r"/console/tickets/\d+$"))
        # A suggestion for the question, inserted as the full answer, then sent with Ctrl+Enter.
        await expect(page.locator("#kb-results .kb-title").first).to_contain_text("申请退款")
        await page.locator("#kb-results .kb-item").first.locator('[data-act="full"]').click()
        reply = page.locator("#reply textarea")
        await expect(reply).to_have_value(re.compile("3-5个工作日"))
        await reply.press("Control+Enter")
        await expect(page.locator(".msg-outbound .delivery")).to_have_text(says["sent"])
        answer = await guest.next("message")
        assert "3-5个工作日" in answer["text"]
        # An internal note that mentions a colleague: picked from the list that "@" opens.
        await page.check("#reply input[name=internal]")
        await reply.fill("")
        await reply.press_sequentially("@l")
        await page.locator("#mention-pick li", has_text="li").click()
        await reply.press_sequentially("请看一下 please check")
        shot_png: FilePayload = {
            "name": "截图.png",
            "mimeType": "image/png",
            "buffer": b"\x89PNG\r\n\x1a\n" + bytes(64),
        }
        await page.set_input_files("#reply-files", files=[shot_png])  # a file for the colleague
        await expect(page.locator("#picked li")).to_contain_text("截图.png")
        await page.click("#reply button[type=submit]")
        note = page.locator(".msg-note").last
        await expect(note.locator(".text")).to_have_text("@li 请看一下 please check")
        await expect(note.locator("a.attachment")).to_have_text("截图.png")
        await expect(note.locator("em")).to_contain_text(says["note"])
        await shot(page, f"ticket-{lang}")
    finally:
        await guest.close()
    ticket_id = int(page.url.rsplit("/", 1)[1])
    admin = await make_token(db, "admin")
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {admin}"}) as http,
        http.get(f"{hub.url}/api/v1/tickets/{ticket_id}") as r,
    ):
        body = await r.json()
    notes = [i for i in body["interactions"] if i["direction"] == "note"]
    assert len(notes) == 1 and len(notes[0]["meta"]["mentions"]) == 1
    assert errors == []


@pytest.mark.parametrize("lang", LANGS)
async def test_knowledge_manager_writes_reviews_and_publishes(
    hub: Hub, db: Database, browser: Browser, lang: str
) -> None:
    errors: list[str] = []
    await make_agent(db, "km@example.test", "knowledge_manager")
    page = await sign_in(browser, hub, "km@example.test", lang, errors)
    await expect(page).to_have_url(f"{hub.url}/console/knowledge")
    await page.goto(f"{hub.url}/console/knowledge/new")
    await page.fill("input[name=title]", "如何修改收货地址 Changing the delivery address")
    await page.fill("textarea[name=short_answer]", "发货前可在订单页修改地址。")
    await page.fill(
        "textarea[name=body]", "## 修改地址\n\n发货前，在**订单页**点击“修改地址”。<script>window.__xss=1</script>"
    )
    await expect(page.locator("#preview h2")).to_have_text("修改地址")
    await expect(page.locator("#preview strong")).to_have_text("订单页")
    await page.click("#save")
    await expect(page).to_have_url(re.compile(r"/console/knowledge/\d+$"))
    await expect(page.locator("#art-status")).to_have_attribute("data-status", "draft")
    await page.fill("textarea[name=body]", "## 修改地址\n\n发货前，在**订单页**点击“修改地址”；发货后请联系客服。")
    await page.click("#save")
    await expect(page.locator("#art-msg")).to_have_class("ok")
    await page.click("#submit-review")
    await expect(page.locator("#art-status")).to_have_attribute("data-status", "in_review")
    await page.click("#approve")
    await expect(page.locator("#art-status")).to_have_attribute("data-status", "published")
    await expect(page.locator("#art-status")).to_have_text({"en": "Published", "zh-CN": "已发布"}[lang])
    await shot(page, f"article-{lang}")
    await page.goto(f"{hub.url}/console/knowledge")
    await page.locator('[data-filter="published"]').click()
    await expect(page.locator("#articles tbody tr")).to_have_count(1)
    await shot(page, f"knowledge-{lang}")
    assert await page.evaluate("window.__xss") is None
    assert errors == []


async def test_switching_language_in_the_console(hub: Hub, db: Database, browser: Browser) -> None:
    errors: list[str] = []
    await make_agent(db, "amy@example.test")
    page = await sign_in(browser, hub, "amy@example.test", "en", errors)
    await expect(page.locator("header")).to_contain_text("Sign out")
    # The picker submits through the page's script: wait until it runs (the workspace is live).
    await expect(page.locator("#conn")).to_have_attribute("data-state", "live")
    await page.select_option("#locale-pick", "zh-CN")  # submits the form
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    await expect(page.locator("header")).to_contain_text("退出登录")
    await expect(page.locator("h1")).to_have_text("收件箱")
    await expect(page.locator("#conn")).to_have_text("在线")
    await shot(page, "inbox-zh-CN")
    assert errors == []


async def test_inbox_state_from_events_equals_a_fresh_fetch_also_after_a_reconnect(
    hub: Hub, db: Database, browser: Browser
) -> None:
    """The real-time protocol: pushed events applied by the page give the state a fresh fetch gives; after
    a disconnect (events missed), the reconnect's resync gives it again."""
    errors: list[str] = []
    await make_agent(db, "sam@example.test", "supervisor")
    other = await make_agent(db, "kim@example.test")
    page = await sign_in(browser, hub, "sam@example.test", "en", errors)
    await expect(page.locator("#conn")).to_have_attribute("data-state", "live")
    # Busy: routing leaves the tickets to the test.
    await go_busy(page)
    await until_true(page, "window.hubInbox.syncs >= 1")
    admin = await make_token(db, "admin")

    async def agree() -> None:
        row = "t => [t.id, t.status, t.assignee_id, t.queue, t.priority, t.updated_at]"
        fresh = f"fetch('/api/v1/console/inbox').then(r => r.json()).then(s => s.tickets.map({row}))"
        pushed = "JSON.stringify(window.hubInbox.snapshot())"
        ordered = f"JSON.stringify((await {fresh}).sort((a, b) => a[0] - b[0]))"
        await until_true(page, f"(async () => window.hubInbox.synced() && {pushed} === {ordered})()")

    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {admin}"}) as http:
        ids = [await contact(hub, f"question {n}", who=f"c{n}@example.com", n=n) for n in range(6)]
        for n, ticket_id in enumerate(ids):
            change = [{"status": "solved"}, {"assignee_id": other.id}, {"priority": "high"}, {"status": "pending"},
                      {"tags": ["vip"]}, {"assignee_id": other.id, "priority": "urgent"}][n]  # fmt: skip
            async with http.patch(f"{hub.url}/api/v1/tickets/{ticket_id}", json=change) as r:
                assert r.status == 200
        await agree()
        assert await page.evaluate("window.hubInbox.syncs") == 1  # by pushed events alone, no fetch since
        assert len(await page.evaluate("window.hubInbox.snapshot()")) == 5  # the solved one left
        # Offline for a while: these changes happen while the page hears nothing.
        await page.evaluate("hubLive.connect().disconnect()")
        await expect(page.locator("#conn")).to_have_attribute("data-state", "offline")
        for ticket_id in ids[1:3]:
            async with http.patch(f"{hub.url}/api/v1/tickets/{ticket_id}", json={"status": "solved"}) as r:
                assert r.status == 200
        late = await contact(hub, "arrived while offline", who="late@example.com")
        stale = json.dumps(await page.evaluate("window.hubInbox.snapshot()"))
        assert str(late) not in [str(row[0]) for row in json.loads(stale)]
        syncs = await page.evaluate("window.hubInbox.syncs")
        await page.evaluate("hubLive.connect().connect()")
        await until_true(page, f"window.hubInbox.syncs > {syncs}")
        await agree()
        rows = await page.evaluate("window.hubInbox.snapshot()")
        assert late in [row[0] for row in rows] and ids[1] not in [row[0] for row in rows]
    await expect(page.locator('[data-count="all"]')).to_have_text(str(len(rows)))
    assert hub.app[keys.DB] is not None and errors == []
