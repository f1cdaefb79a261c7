"""The admin pages in Chromium: an admin adds an agent, staffs a queue with them, creates an API token and a
webhook, and finds it all in the audit log; a non-admin is turned away; every page in English and Chinese at
desktop (1440 px) and phone (390 px) widths, with screenshots and no serious axe-core finding."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from playwright.async_api import Browser, Page, expect

from hub.app import create_app
from hub.db.engine import Database
from hub.settings import Settings
from hub.tickets.business_time import Calendar
from hub.webhooks.config import WebhookConfig
from tests.agent_console.workspace_kit import SIZES, serious_axe_findings, shot
from tests.browser_kit import BROWSER, watch_errors
from tests.conftest import PASSWORD, Hub, make_agent, make_token

pytestmark = BROWSER
OFFICE = Calendar(
    "cn-office",
    ZoneInfo("Asia/Shanghai"),
    ((((9 * 60, 18 * 60),),) * 5) + ((), ()),
    holidays=frozenset({date(2027, 1, 1), date(2027, 2, 6), date(2027, 2, 7)}),
    workdays=frozenset({date(2027, 2, 14)}),
)
PAGES = ("agents", "queues", "tokens", "webhooks", "audit", "calendars")
TITLES = {
    "en": {"agents": "Agents", "queues": "Queues", "tokens": "API tokens", "webhooks": "Webhooks",
           "audit": "Audit log", "calendars": "Calendars"},
    "zh-CN": {"agents": "坐席", "queues": "队列", "tokens": "API 令牌", "webhooks": "Webhook",
              "audit": "审计日志", "calendars": "日历"},
}  # fmt: skip


@pytest.fixture
async def admin_hub(settings: Settings, aiohttp_server: Callable[..., Any]) -> Hub:
    """A hub with a business-hours calendar, whose webhooks may point at this machine (nothing is delivered)."""
    configured = dataclasses.replace(settings, calendars={"cn-office": OFFICE}).with_channel(
        "webhooks", WebhookConfig(allow_private_targets=True)
    )
    app = create_app(configured)
    return Hub(await aiohttp_server(app), app, configured)


async def sign_in(browser: Browser, hub: Hub, email: str, lang: str, width: int, errors: list[str], to: str) -> Page:
    context = await browser.new_context(locale=lang, viewport=SIZES[width], bypass_csp=True)  # type: ignore[arg-type]
    page = await context.new_page()
    watch_errors(page, errors)
    await page.goto(f"{hub.url}/login?lang={lang}&next={to}")
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    return page


async def test_an_admin_sets_up_the_workspace_and_finds_it_audited(
    admin_hub: Hub, db: Database, browser: Browser
) -> None:
    hub, errors = admin_hub, list[str]()
    await make_agent(db, "root@example.test", role="admin")
    page = await sign_in(browser, hub, "root@example.test", "en", 1440, errors, "/console/admin")
    await expect(page.locator("h1")).to_have_text("Agents")
    await expect(page.get_by_role("navigation", name="Sections").get_by_role("link", name="Admin")).to_be_visible()

    # A new agent: the form says what is wrong before anything is sent, then the agent is listed.
    await page.get_by_role("button", name="New agent").click()
    form = page.get_by_role("form", name="New agent")
    await form.get_by_label("E-mail").fill("zoe")
    await form.get_by_label("First password").fill("short")
    await form.get_by_role("button", name="Create agent").click()
    await expect(form.get_by_text("Enter an e-mail address such as li.na@example.com.")).to_be_visible()
    await expect(form.get_by_text("A password needs at least 8 characters.")).to_be_visible()
    await form.get_by_label("E-mail").fill("zoe@example.test")
    await form.get_by_label("Name", exact=True).fill("Zoe Chen")
    await form.get_by_label("First password").fill("a long first password")
    await form.get_by_role("button", name="Create agent").click()
    zoe = page.locator('tr[data-agent="zoe@example.test"]')
    await expect(zoe).to_contain_text("Zoe Chen")
    # The API's own refusal shows too: the address is taken.
    await page.get_by_role("button", name="New agent").click()
    await form.get_by_label("E-mail").fill("zoe@example.test")
    await form.get_by_label("First password").fill("a long first password")
    await form.get_by_role("button", name="Create agent").click()
    await expect(form.get_by_role("alert")).to_contain_text("exists already")
    await form.get_by_role("button", name="Cancel").click()

    # Her skills, edited in place.
    await page.get_by_role("button", name="Edit Zoe Chen").click()
    editor = page.get_by_role("form", name="Edit Zoe Chen")
    await editor.get_by_role("button", name="Add skill").click()
    await editor.get_by_label("Skill", exact=True).fill("refunds")
    await editor.get_by_label("Level").select_option("4")
    await editor.get_by_role("button", name="Save").click()
    await expect(zoe.locator(".chip", has_text="refunds")).to_contain_text("4")

    # A queue with Zoe in it.
    await page.get_by_role("link", name="Queues").click()
    await expect(page.locator("h1")).to_have_text("Queues")
    await page.get_by_role("button", name="New queue").click()
    form = page.get_by_role("form", name="New queue")
    await form.get_by_label("Name", exact=True).fill("Returns Desk")
    await form.get_by_role("button", name="Create queue").click()
    await expect(form.get_by_text("lower-case letters")).to_be_visible()
    await form.get_by_label("Name", exact=True).fill("returns")
    await form.get_by_label("Display name").fill("Returns desk")
    await form.get_by_label("Calendar").select_option("cn-office")
    await form.get_by_role("button", name="Create queue").click()
    returns = page.locator('tr[data-queue="returns"]')
    await expect(returns).to_contain_text("cn-office")
    await returns.get_by_role("button", name="Members of Returns desk").click()
    await page.get_by_role("checkbox", name="Zoe Chen").check()
    await page.get_by_role("button", name="Save members (1)").click()
    await expect(returns.locator(".chip")).to_have_text(["Zoe Chen"])

    # An API token: its secret once, then revoked after a confirmation.
    await page.get_by_role("link", name="API tokens").click()
    await page.get_by_role("button", name="New API token").click()
    form = page.get_by_role("form", name="New API token")
    await form.get_by_label("Name", exact=True).fill("CRM sync")
    await form.get_by_role("button", name="Create token").click()
    await expect(page.get_by_test_id("secret")).not_to_be_empty()
    await page.get_by_role("button", name="Done").click()
    crm = page.locator('tr[data-token="CRM sync"]')
    await expect(crm).to_contain_text("In use")
    await crm.get_by_role("button", name="Revoke").click()
    await crm.get_by_role("group").get_by_role("button", name="Revoke").click()
    await expect(crm).to_contain_text("Revoked")

    # A webhook with its signing secret shown once, and its (still empty) deliveries.
    await page.get_by_role("link", name="Webhooks").click()
    await page.get_by_role("button", name="New webhook").click()
    form = page.get_by_role("form", name="New webhook")
    await form.get_by_label("URL").fill("http://127.0.0.1:9/hooks")
    await form.get_by_role("checkbox", name="Message received").check()
    await form.get_by_role("button", name="Create webhook").click()
    await expect(page.get_by_test_id("secret")).not_to_be_empty()
    await page.get_by_role("button", name="Done").click()
    hook = page.locator('[data-webhook="http://127.0.0.1:9/hooks"]')
    await expect(hook).to_contain_text("Message received")
    await hook.get_by_role("button", name="Recent deliveries").click()
    await expect(hook).to_contain_text("Nothing sent yet")

    # The audit log has all of it, newest first, and filters on the server.
    await page.get_by_role("link", name="Audit log").click()
    rows = page.locator("tbody tr")
    await expect(rows.first).to_have_attribute("data-action", "webhook.created")
    for action in ("agent.created", "agent.profile_changed", "queue.created", "queue.members_set", "token.revoked"):
        await expect(page.locator(f'tr[data-action="{action}"]')).to_have_count(1)
    await page.get_by_label("What").select_option("queue.members_set")
    await page.get_by_role("button", name="Show").click()
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("Queue members changed")
    # The browser logs the refused duplicate (409) it was meant to meet; nothing else went wrong.
    assert [e for e in errors if "409 (Conflict)" not in e] == []


async def test_someone_who_is_not_an_admin_is_turned_away(admin_hub: Hub, db: Database, browser: Browser) -> None:
    errors: list[str] = []
    await make_agent(db, "boss@example.test", role="supervisor")
    page = await sign_in(browser, admin_hub, "boss@example.test", "en", 1440, errors, "/console/admin/agents")
    await page.wait_for_url(lambda url: "/console/admin" not in url)
    await page.goto(f"{admin_hub.url}/console/admin/tokens")
    await expect(page).not_to_have_url(f"{admin_hub.url}/console/admin/tokens")
    assert await page.get_by_role("link", name="Admin").count() == 0


async def test_every_admin_page_in_both_languages_and_widths(admin_hub: Hub, db: Database, browser: Browser) -> None:
    """Screenshots of each page (with a little of everything on it), checked by axe-core."""
    await make_agent(db, "root@example.test", role="admin")
    li = await make_agent(db, "li.na@example.test")
    headers = {"Authorization": f"Bearer {await make_token(db, 'admin')}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        for method, path, body in (
            ("PATCH", f"/api/v1/agents/{li.id}/profile", {"skills": {"refunds": 4}, "languages": ["zh", "en"]}),
            ("PUT", "/api/v1/queues/billing/members", {"agent_ids": [li.id]}),
            ("POST", "/api/v1/tokens", {"name": "CRM sync", "role": "agent", "expires": "90d"}),
            ("POST", "/api/v1/webhooks", {"url": "http://127.0.0.1:9/hooks", "events": ["ticket.created"]}),
        ):
            async with http.request(method, admin_hub.url + path, json=body) as r:
                assert r.status < 300, (path, await r.text())
    for lang, width in (("en", 1440), ("zh-CN", 1440), ("en", 390), ("zh-CN", 390)):
        errors: list[str] = []
        page = await sign_in(browser, admin_hub, "root@example.test", lang, width, errors, "/console/admin/agents")
        for name in PAGES:
            if name != "agents":
                await page.locator(".adm-side").get_by_role("link", name=TITLES[lang][name]).click()
            await expect(page.locator("h1")).to_have_text(TITLES[lang][name])
            await expect(page.locator("[role=status]", has_text="…")).to_have_count(0)
            if name == "agents":
                await expect(page.locator("tr[data-agent]")).to_have_count(2)
            await shot(page, f"admin-{name}-{lang}-{width}")
            assert await serious_axe_findings(page) == [], (name, lang, width)
        await page.context.close()
        assert errors == [], (lang, width)
