"""An open console whose access is taken back goes to sign-in, says why, and comes back where it was after."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from playwright.async_api import Browser, Page, expect

from hub.db.engine import Database
from tests.agent_console.test_console_browser import sign_in
from tests.browser_kit import BROWSER
from tests.conftest import PASSWORD, Hub, make_agent

pytestmark = BROWSER
NOTICE = {
    "en": "You were signed out: your access was ended. Sign in again to continue.",
    "zh-CN": "你已退出登录：你的访问权限已被收回。请重新登录以继续。",
}


async def admin(hub: Hub, token: str, method: str, path: str, body: Any) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        return r.status


async def open_console(browser: Browser, hub: Hub, email: str, lang: str, errors: list[str]) -> Page:
    page = await sign_in(browser, hub, email, lang, errors)
    await expect(page).to_have_url(f"{hub.url}/console")
    await expect(page.locator("#conn")).to_have_attribute("data-state", "live")  # its /agent socket is open
    return page


@pytest.mark.parametrize(
    ("lang", "how"),
    [("en", "deactivated"), ("zh-CN", "password reset")],
)
async def test_an_open_console_lands_on_sign_in_when_access_is_taken_back(
    hub: Hub, db: Database, browser: Browser, admin_token: str, lang: str, how: str
) -> None:
    agent = await make_agent(db, "zhou@example.test")
    errors: list[str] = []
    page = await open_console(browser, hub, agent.email, lang, errors)
    await page.goto(f"{hub.url}/console?view=mine")
    await expect(page.locator("#conn")).to_have_attribute("data-state", "live")

    if how == "deactivated":
        assert await admin(hub, admin_token, "PATCH", f"/api/v1/agents/{agent.id}", {"active": False}) == 200
    else:  # a reset password ends every session of the agent
        assert await admin(hub, admin_token, "PUT", f"/api/v1/agents/{agent.id}/password", {"generate": True}) == 200

    await expect(page).to_have_url(f"{hub.url}/login?signed_out=1&next=%2Fconsole%3Fview%3Dmine")
    await expect(page.locator("[role=alert]")).to_have_text(NOTICE[lang])
    await expect(page.locator("input[name=next]")).to_have_value("/console?view=mine")
    if how == "deactivated":
        assert await admin(hub, admin_token, "PATCH", f"/api/v1/agents/{agent.id}", {"active": True}) == 200
        # Signing in again brings the agent back to the page they were on.
        await page.fill("input[name=email]", agent.email)
        await page.fill("input[name=password]", PASSWORD)
        await page.click("button[type=submit]")
        await expect(page).to_have_url(f"{hub.url}/console?view=mine")
    # (the refused socket reconnect while the page left is no page error of ours)
    assert [e for e in errors if "WebSocket" not in e and "socket.io" not in e] == []
