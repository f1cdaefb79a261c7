"""A mail with inline images, as an agent sees it in Chromium: the images load inside the message, no script runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Frame, expect

from hub.db.engine import Database
from hub.settings import Settings
from tests.browser_kit import BROWSER, watch_errors
from tests.conftest import PASSWORD, make_agent
from tests.mail_kit import MailHub, started_mail_hub

CORPUS = Path(__file__).parent / "fixtures"
pytestmark = BROWSER


@pytest.fixture
async def mail_hub(settings: Settings, aiohttp_server: Any) -> AsyncIterator[MailHub]:
    async with started_mail_hub(settings, aiohttp_server) as started:
        yield started


async def loaded_images(frame: Frame) -> list[int]:
    # The tracker's image keeps no source at all; the two inline ones come from storage.
    script = "Array.from(document.images).filter(i => i.getAttribute('src')).map(i => i.complete ? i.naturalWidth : -1)"
    return list(await frame.evaluate(script))


async def test_inline_images_load_inside_the_message(mail_hub: MailHub, db: Database, browser: Browser) -> None:
    hub = mail_hub.hub
    await mail_hub.send((CORPUS / "inline_images_outlook.eml").read_bytes())
    await mail_hub.send((CORPUS / "forward_thunderbird_attachment.eml").read_bytes())
    await make_agent(db, "sophie.agent@example.test")
    errors: list[str] = []
    page = await (await browser.new_context(locale="en")).new_page()
    watch_errors(page, errors)
    await page.goto(f"{hub.url}/login")
    await page.fill("input[name=email]", "sophie.agent@example.test")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.goto(f"{hub.url}/console/tickets/1")
    frame_element = page.locator("details.mail-html iframe")
    await expect(frame_element).to_be_visible()
    frame = await (await frame_element.element_handle()).content_frame()
    assert frame is not None
    deadline = asyncio.get_running_loop().time() + 10
    while (sizes := await loaded_images(frame)) != [1, 1]:  # the two 1x1 PNGs, from storage
        assert asyncio.get_running_loop().time() < deadline, sizes
        await asyncio.sleep(0.1)
    await page.goto(f"{hub.url}/console/tickets/2")
    await expect(page.locator("blockquote.forwarded")).to_contain_text("Your invoice INV-2026-1187")
    assert errors == []
