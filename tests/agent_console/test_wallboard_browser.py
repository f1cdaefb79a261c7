"""The supervisor pages in Chromium: from the wallboard a supervisor re-prioritises a waiting ticket and hands
it to an agent in one click, and the agent's workspace tells them; the wallboard and the reports in English and
Chinese at desktop (1440 px) and phone (390 px) widths, with screenshots, keyboard use and no serious axe-core
finding; the reports' charts, period and CSV."""

from __future__ import annotations

import re

import aiohttp
from playwright.async_api import Browser, Page, expect

from hub.db.engine import Database
from tests.agent_console.supervisor_kit import floor, history, keep_online, work
from tests.agent_console.workspace_kit import SHOTS, SIZES, go_busy, serious_axe_findings, signed_in
from tests.browser_kit import BROWSER, watch_errors
from tests.conftest import PASSWORD, Hub, make_agent, make_token
from tests.console_kit import contact

pytestmark = BROWSER
SAYS = {
    "en": {"wallboard": "Wallboard", "reports": "Reports", "waiting": "Waiting", "tickets": "Tickets",
           "diamond": "Diamond", "by tier": "SLA attainment by tier"},
    "zh-CN": {"wallboard": "监控大屏", "reports": "报表", "waiting": "等待中", "tickets": "工单", "diamond": "钻石",
              "by tier": "各等级 SLA 达成率"},
}  # fmt: skip


async def supervisor_page(browser: Browser, hub: Hub, email: str, lang: str, width: int, errors: list[str]) -> Page:
    context = await browser.new_context(locale=lang, viewport=SIZES[width], bypass_csp=True)  # type: ignore[arg-type]
    page = await context.new_page()
    watch_errors(page, errors)
    await page.goto(f"{hub.url}/login?lang={lang}&next=/console/wallboard")
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await expect(page.locator("#conn")).to_have_attribute("data-state", "live")
    return page


async def shot(page: Page, name: str) -> None:
    """The whole page, not only the first screen: the board is read top to bottom."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def busy(page: Page) -> None:
    """The supervisor says busy (else routing hands them the work, the only one available)."""
    await page.locator("#my-status").select_option("busy")
    await expect(page.locator('[data-tile="busy"] .tile-value')).not_to_have_text("0")


async def test_supervisor_reassigns_and_reprioritises_and_the_agent_is_told(
    hub: Hub, db: Database, browser: Browser
) -> None:
    errors: list[str] = []
    target = await make_agent(db, "zhao@example.test")
    await make_agent(db, "boss@example.test", "supervisor")
    agent = await signed_in(browser, hub, "zhao@example.test", "en", 1440, errors)
    await go_busy(agent)  # busy: routing offers them nothing, so the ticket reaches them only by the supervisor
    page = await supervisor_page(browser, hub, "boss@example.test", "en", 1440, errors)
    await busy(page)
    waiting = await contact(hub, "发票开错了 wrong invoice", who="inv@example.com")
    await expect(page.locator("h1")).to_have_text("Wallboard")
    row = page.locator(f'#waiting tr[data-ticket="{waiting}"]')
    await expect(row).to_have_count(1)
    await expect(page.locator('#queues tr[data-queue="general"] td').first).to_have_text("1")
    await expect(page.locator('[data-tile="waiting"] .tile-value')).to_have_text("1")
    await row.get_by_label(f"Priority #{waiting}").select_option("urgent")
    await expect(page.locator("#wall-said")).to_have_text(f"#{waiting} is now Urgent.")
    # One click on the agent's name in the menu; the keyboard opens it and Escape closes it.
    toggle = row.get_by_role("button", name=f"Assign to #{waiting}")
    await toggle.focus()
    await page.keyboard.press("Enter")
    menu = page.get_by_role("menu", name=f"Assign to #{waiting}")
    await expect(menu.get_by_role("menuitem").first).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(menu).to_have_count(0)
    await expect(toggle).to_be_focused()
    await toggle.click()
    assert await serious_axe_findings(page) == []  # the open menu too
    await shot(page, "wallboard-reassign-en-1440")
    await menu.get_by_role("menuitem", name=re.compile("^zhao")).click()
    await expect(page.locator("#wall-said")).to_have_text(f"#{waiting} is now with zhao, who has been notified.")
    await expect(page.locator(f'#waiting tr[data-ticket="{waiting}"]')).to_have_count(0)
    admin = await make_token(db, "admin")
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {admin}"}) as http,
        http.get(f"{hub.url}/api/v1/tickets/{waiting}") as r,
    ):
        ticket = (await r.json())["ticket"]
    assert ticket["assignee_id"] == target.id and ticket["priority"] == "urgent"
    # The agent hears of it: the bell counts it and says what happened.
    bell = agent.locator("#notifications-toggle")
    await expect(bell).to_have_attribute("aria-label", re.compile(r"\(1 new\)"))
    await bell.click()
    await expect(agent.locator("#notification-list")).to_contain_text(f"Assigned to you: #{waiting}")
    assert errors == []


async def test_wallboard_and_reports_in_both_languages_at_both_widths(hub: Hub, db: Database, browser: Browser) -> None:
    errors: list[str] = []
    await make_agent(db, "boss@example.test", "supervisor")
    first = await supervisor_page(browser, hub, "boss@example.test", "en", 1440, errors)
    await busy(first)  # this page stays open: the supervisor stays busy while the others come and go
    colleagues = await floor(db)
    await history(hub, db, colleagues)
    waiting, live = await work(hub, db, colleagues[0])
    for lang, width in (("en", 1440), ("zh-CN", 1440), ("en", 390), ("zh-CN", 390)):
        says = SAYS[lang]
        await keep_online(db, colleagues, ["busy", "away", "busy"])
        page = await supervisor_page(browser, hub, "boss@example.test", lang, width, errors)
        await expect(page.locator("h1")).to_have_text(says["wallboard"])
        await expect(page.locator('[data-tile="waiting"] .tile-value')).to_have_text("3")
        await expect(page.locator('[data-tile="available"]')).to_have_class(re.compile("tile-bad"))
        await expect(page.locator(f'#waiting tr[data-ticket="{waiting[0]}"]')).to_contain_text(says["diamond"])
        await expect(page.locator(f'#live-conversations tr[data-ticket="{live}"]')).to_contain_text("王芳")
        await expect(page.locator('#by-tier li[data-key="diamond"]')).to_contain_text(says["diamond"])
        refunds = page.locator('#by-skill li[data-key="refunds"]')
        await expect(refunds).to_contain_text("1")
        await expect(refunds.locator(".count-name")).to_have_text("退款" if lang == "zh-CN" else "Refunds")
        await expect(page.locator("#staff li")).to_have_count(4)  # three colleagues and the supervisor
        await expect(page.locator("#staff li[data-agent] .in-state").first).to_have_text(re.compile(r"\d"))
        assert await serious_axe_findings(page) == [], (lang, width)
        await shot(page, f"wallboard-{lang}-{width}")
        await page.goto(f"{hub.url}/console/reports")
        await expect(page.locator("h1")).to_have_text(says["reports"])
        await expect(page.locator("#volume-chart svg .column")).to_have_count(7)
        await expect(page.locator("#kpi-tickets")).not_to_have_text("0")
        labels = page.locator("#sla-by-tier .bar-label")
        await expect(labels.first).to_have_text(says["diamond"])  # the most valuable tier first
        await expect(page.locator("#sla-by-tier figcaption")).to_have_text(says["by tier"])
        assert await serious_axe_findings(page) == [], (lang, width)
        await shot(page, f"reports-{lang}-{width}")
        await page.context.close()
    assert errors == []


async def test_reports_period_and_csv(hub: Hub, db: Database, browser: Browser) -> None:
    errors: list[str] = []
    await make_agent(db, "boss@example.test", "supervisor")
    colleagues = await floor(db)
    await history(hub, db, colleagues)
    page = await supervisor_page(browser, hub, "boss@example.test", "zh-CN", 1440, errors)
    await busy(page)
    await page.goto(f"{hub.url}/console/reports")
    await expect(page.locator("#volume-chart svg .column")).to_have_count(7)
    await page.get_by_role("button", name="最近 30 天").click()
    await expect(page.locator("#volume-chart svg .column")).to_have_count(30)
    assert "since=" in page.url and "until=" in page.url
    # Two days chosen by hand: the range reads in Chinese, and the export covers the same days.
    dates = page.locator("input[type=date]")
    since = await dates.nth(0).input_value()
    await dates.nth(1).fill(since)
    await dates.nth(0).fill(since)
    await page.get_by_role("button", name="显示", exact=True).click()
    await expect(page.locator("#volume-chart svg .column")).to_have_count(1)
    await expect(page.locator("#range-text")).to_contain_text("年")
    href = await page.locator("#export-csv").get_attribute("href")
    assert href == f"/api/v1/reports?since={since}&until={since}&format=csv"
    async with page.expect_download() as download:
        await page.locator("#export-csv").click()
    path = await (await download.value).path()
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfslice,")
    # A first day after the last: said before anything is asked of the server.
    await dates.nth(0).fill(since)
    await dates.nth(1).fill("2020-01-01")
    await page.get_by_role("button", name="显示", exact=True).click()
    await expect(page.get_by_role("alert")).to_have_text("开始日期必须早于结束日期。")
    assert errors == []


async def test_work_offered_to_a_supervisor_on_the_board_is_answered_there(
    hub: Hub, db: Database, browser: Browser
) -> None:
    errors: list[str] = []
    await make_agent(db, "boss@example.test", "supervisor")
    page = await supervisor_page(browser, hub, "boss@example.test", "en", 1440, errors)
    await expect(page.locator("#my-status")).to_have_value("available")
    ticket = await contact(hub, "Where is my parcel?", who="visitor-parcel", kind="webchat", channel="webchat")
    offer = page.locator(f'.offer[data-ticket="{ticket}"]')
    await expect(offer).to_contain_text("New conversation offered")
    await offer.get_by_role("button", name="Decline").click()
    await expect(offer).to_have_count(0)
    await expect(page.locator("#my-status")).to_have_value("available")  # declined, not missed: still available
    assert errors == []
