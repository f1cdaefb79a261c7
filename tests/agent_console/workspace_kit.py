"""What the workspace's browser journeys share: signing in at a size and language, screenshots, axe-core."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.async_api import Browser, Page, expect

from tests.browser_kit import watch_errors
from tests.conftest import PASSWORD, Hub

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("HUB_TEST_ARTIFACTS", ROOT / "var" / "test-artifacts")) / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {1440: {"width": 1440, "height": 900}, 390: {"width": 390, "height": 844}}


async def signed_in(browser: Browser, hub: Hub, email: str, lang: str, width: int, errors: list[str]) -> Page:
    # bypass_csp: axe-core is injected as an inline script, which the console's CSP rightly refuses.
    context = await browser.new_context(locale=lang, viewport=SIZES[width], bypass_csp=True)  # type: ignore[arg-type]
    page = await context.new_page()
    watch_errors(page, errors)
    await page.goto(f"{hub.url}/login?lang={lang}")
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await expect(page.locator("#conn")).to_have_attribute("data-state", "live")
    return page


async def go_busy(page: Page) -> None:
    """Tell the hub this agent is busy, once the workspace's live connection is up."""
    await expect(page.locator("#conn")).to_have_attribute("data-state", "live")
    await page.evaluate("new Promise(done => hubLive.connect().emit('status', {status: 'busy'}, done))")


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"))


async def serious_axe_findings(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page, as "rule: targets"."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE))
    found: list[str] = await page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .filter(v => v.impact === 'serious' || v.impact === 'critical')
             .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
    )
    return found
