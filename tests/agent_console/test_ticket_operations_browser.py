"""Ticket operations in the console, in a real Chromium: an open ticket page follows a merge into it, and the
inbox shows until when a snoozed ticket waits."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from playwright.async_api import Browser, Page

from hub.clock import utcnow
from hub.db.engine import Database
from tests.browser_kit import BROWSER, watch_errors
from tests.conftest import PASSWORD, Hub
from tests.console_kit import console, contact

pytestmark = BROWSER


async def until_true(page: Page, expression: str, timeout: float = 10) -> None:
    """Poll through evaluate (the console's CSP forbids the eval that wait_for_function uses)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await page.evaluate(expression):
        assert asyncio.get_running_loop().time() < deadline, f"still false after {timeout} s: {expression}"
        await asyncio.sleep(0.2)


async def signed_in(browser: Browser, hub: Hub, email: str, errors: list[str]) -> Page:
    page = await (await browser.new_context()).new_page()
    watch_errors(page, errors)
    await page.goto(f"{hub.url}/login")
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/console**")
    return page


async def test_an_open_ticket_page_follows_a_merge_and_the_inbox_shows_a_snooze(
    hub: Hub, db: Database, browser: Browser
) -> None:
    who = "song@example.com"
    source = await contact(hub, "first question about the invoice", who=who, explicit_threading=True)
    target = await contact(hub, "second question about delivery", who=who, explicit_threading=True)
    errors: list[str] = []
    async with console(hub, db, "luo@example.test", "supervisor") as c:
        page = await signed_in(browser, hub, "luo@example.test", errors)
        await page.goto(f"{hub.url}/console/tickets/{target}")
        await until_true(page, "document.querySelectorAll('#messages li').length === 1")
        status, _ = await c.api("POST", f"/api/v1/tickets/{source}/merge", {"into": target})
        assert status == 200
        # The moved message arrives without a reload, with the line saying what happened.
        await until_true(page, "document.getElementById('messages').textContent.includes('about the invoice')")
        await until_true(page, f"document.getElementById('messages').textContent.includes('#{source} merged')")

        remind = (utcnow() + timedelta(hours=5)).replace(microsecond=0)
        change = {"status": "pending", "remind_at": remind.isoformat()}
        status, _ = await c.api("PATCH", f"/api/v1/tickets/{target}", change)
        assert status == 200
        await page.goto(f"{hub.url}/console")
        await page.click('[data-view="snoozed"]')  # waiting for the customer: out of "mine" until the reminder
        row = f"document.querySelector('#tickets li[data-id=\"{target}\"] .status time.remind-at')"
        await until_true(page, f"{row} !== null")
        assert await page.evaluate(f"{row}.dateTime") == remind.isoformat()
    assert errors == []
