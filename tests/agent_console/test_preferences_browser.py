"""The agent's sound and desktop-notification settings follow them to another computer, in Chromium, in English
and Chinese at 1440 and 390 px: turned off and on from the bell in one browser, found the same in a fresh one
(nothing in its storage); a setting the hub refuses goes back, and says why in the agent's language."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from hub.db.engine import Database
from hub.db.models import Agent
from tests.agent_console.workspace_kit import SIZES, serious_axe_findings, shot
from tests.browser_kit import BROWSER, watch_errors
from tests.conftest import PASSWORD, Hub, make_agent

pytestmark = BROWSER
DESKTOP = {"en": "Desktop notifications", "zh-CN": "桌面通知"}
# What a refusal reads like: English words, or Chinese ones.
WORDS = {"en": re.compile(r"^[^\u4e00-\u9fff]*[A-Za-z]"), "zh-CN": re.compile(r"[\u4e00-\u9fff]")}
# Headless Chromium has no permission prompt: the browser's Notification API as a browser that asks (the first
# computer) or one that was allowed before (the second).
ASKS = """window.Notification = class {
  static permission = "default";
  static requestPermission() { window.Notification.permission = "granted"; return Promise.resolve("granted"); }
};"""
ALLOWED = """window.Notification = class { static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); } };"""


async def fresh_browser(browser: Browser, hub: Hub, lang: str, width: int, platform: str, errors: list[str]) -> Page:
    """A new browser profile (empty storage), signed in as Mei."""
    context = await browser.new_context(locale=lang, viewport=SIZES[width], bypass_csp=True)  # type: ignore[arg-type]
    await context.add_init_script(platform)
    page = await context.new_page()
    watch_errors(page, errors)
    await page.goto(f"{hub.url}/login?lang={lang}")
    await page.fill("input[name=email]", "mei@example.test")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await expect(page.locator("#conn")).to_have_attribute("data-state", "live")
    return page


async def kept(db: Database) -> dict[str, object]:
    async with db.read() as s:
        found = await s.scalar(select(Agent.preferences).where(Agent.email == "mei@example.test"))
    assert found is not None
    return dict(found)


@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
async def test_sound_and_desktop_settings_follow_the_agent_to_a_fresh_browser(
    hub: Hub, db: Database, browser: Browser, lang: str, width: int
) -> None:
    errors: list[str] = []
    await make_agent(db, "mei@example.test")

    page = await fresh_browser(browser, hub, lang, width, ASKS, errors)
    await page.locator("#notifications-toggle").click()
    panel = page.locator("#notification-list")
    sound = panel.locator("button[aria-pressed]")
    await expect(sound).to_have_attribute("aria-pressed", "true")  # the default
    async with page.expect_response(re.compile(r"/api/v1/me/preferences$")) as saved:
        await sound.click()
    assert (await saved.value).status == 200
    await expect(sound).to_have_attribute("aria-pressed", "false")
    async with page.expect_response(re.compile(r"/api/v1/me/preferences$")) as saved:
        await panel.get_by_role("button", name=DESKTOP[lang]).click()  # asks the browser, then opts in
    assert (await saved.value).status == 200
    await expect(panel.get_by_role("switch", name=DESKTOP[lang])).to_have_attribute("aria-checked", "true")
    await shot(page, f"preferences-set-{lang}-{width}")
    assert await serious_axe_findings(page) == []
    assert await kept(db) == {"sound": False, "desktop_notifications": True}
    await page.context.close()

    # Another computer: nothing in this browser's storage, the settings come from the account.
    page = await fresh_browser(browser, hub, lang, width, ALLOWED, errors)
    assert await page.evaluate("localStorage.getItem('hub.sound')") in (None, "off")
    await page.locator("#notifications-toggle").click()
    panel = page.locator("#notification-list")
    sound = panel.locator("button[aria-pressed]")
    await expect(sound).to_have_attribute("aria-pressed", "false")
    desktop = panel.get_by_role("switch", name=DESKTOP[lang])
    await expect(desktop).to_have_attribute("aria-checked", "true")
    assert await page.evaluate("localStorage.getItem('hub.sound')") == "off"  # remembered here for offline use
    await shot(page, f"preferences-again-{lang}-{width}")

    # The hub refuses a change (this page's form token went stale): the setting goes back and the agent reads why.
    await page.evaluate("document.querySelector('meta[name=csrf-token]').content = 'stale'")
    async with page.expect_response(re.compile(r"/api/v1/me/preferences$")) as refused:
        await sound.click()
    assert (await refused.value).status == 403
    await expect(sound).to_have_attribute("aria-pressed", "false")
    alert = panel.get_by_role("alert")
    await expect(alert).to_have_text(WORDS[lang])
    await shot(page, f"preferences-refused-{lang}-{width}")
    assert await serious_axe_findings(page) == []
    assert await kept(db) == {"sound": False, "desktop_notifications": True}

    # Turned off again from here (the page reloaded: a fresh token), and the next browser finds it off.
    await page.reload()
    await page.locator("#notifications-toggle").click()
    async with page.expect_response(re.compile(r"/api/v1/me/preferences$")) as saved:
        await page.get_by_role("switch", name=DESKTOP[lang]).click()
    assert (await saved.value).status == 200
    await expect(page.get_by_role("button", name=DESKTOP[lang])).to_be_visible()
    await expect(page.locator("#preference-error")).to_have_count(0)
    assert await kept(db) == {"sound": False, "desktop_notifications": False}
    assert [e for e in errors if "403 (Forbidden)" not in e] == []  # the refusal, on purpose
