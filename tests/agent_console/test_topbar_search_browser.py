"""Search from every page, in Chromium, in English and Chinese at 1440 and 390 px: on the wallboard and the
knowledge list `/` reaches a search box (the list's own first), and the top bar's search opens the workspace
with the results; screenshots and no serious axe-core finding."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from hub.db.engine import Database
from tests.agent_console.workspace_kit import serious_axe_findings, shot, signed_in
from tests.browser_kit import BROWSER
from tests.conftest import Hub, make_agent
from tests.console_kit import contact

pytestmark = BROWSER
SAYS = {"en": "Search tickets and customers", "zh-CN": "搜索工单和客户"}


@pytest.mark.parametrize(("lang", "width"), [("en", 1440), ("zh-CN", 1440), ("en", 390), ("zh-CN", 390)])
async def test_search_from_the_wallboard_opens_the_results_in_the_workspace(
    hub: Hub, db: Database, browser: Browser, lang: str, width: int
) -> None:
    errors: list[str] = []
    await make_agent(db, "lead@example.test", "supervisor")
    ticket = await contact(hub, "The invoice title is wrong", who="li.na@example.cn")
    page = await signed_in(browser, hub, "lead@example.test", lang, width, errors)

    # The knowledge list: "/" goes to the list's own search, not the top bar's.
    await page.goto(f"{hub.url}/console/knowledge")
    await expect(page.locator("main input[type=search]")).to_be_visible()
    await page.locator("h1").first.click()
    await page.keyboard.press("/")
    await expect(page.locator("main input[type=search]")).to_be_focused()

    # The wallboard: "/" goes to the top bar's search, which opens the workspace with what was asked.
    await page.goto(f"{hub.url}/console/wallboard")
    box = page.get_by_role("searchbox", name=SAYS[lang])
    await expect(box).to_be_visible()
    await page.locator("h1").first.click()
    await page.keyboard.press("/")
    await expect(box).to_be_focused()
    await box.fill("invoice")
    await shot(page, f"topbar-search-{lang}-{width}")
    assert await serious_axe_findings(page) == []
    await box.press("Enter")
    await expect(page).to_have_url(f"{hub.url}/console")  # the words searched, then left out of the address
    found = page.locator("#search-results a.result", has_text=f"#{ticket}")
    await expect(found).to_have_count(1)
    await expect(page.locator("#search-q")).to_have_value("invoice")
    await shot(page, f"topbar-search-results-{lang}-{width}")
    await found.click()
    await expect(page).to_have_url(f"{hub.url}/console/tickets/{ticket}")
    assert errors == []
