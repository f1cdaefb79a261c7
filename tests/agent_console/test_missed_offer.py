"""An agent whose offer passed unanswered is told they are now away, and comes back with one key."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, expect

from hub.app import create_app
from hub.db.engine import Database
from hub.db.models import Agent
from hub.settings import Settings
from tests.agent_console.test_console_browser import shot, sign_in
from tests.browser_kit import BROWSER
from tests.conftest import Hub, make_agent
from tests.routing.test_routing_policy import BASE
from tests.sockets import visitor

pytestmark = BROWSER
NOTICE = {"en": "You missed an offer", "zh-CN": "您错过了一个分配"}


@pytest.fixture
async def quick_offers(settings: Settings, aiohttp_server: Callable[..., Any], tmp_path: Path) -> Hub:
    path = tmp_path / "routing.toml"
    path.write_text(BASE + "[offers]\nwebchat = 1\nreoffer_after_seconds = 3600\n", encoding="utf-8")
    custom = dataclasses.replace(settings, routing_config=str(path))
    app = create_app(custom)
    return Hub(await aiohttp_server(app), app, custom)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
async def test_a_missed_offer_is_explained_and_b_makes_the_agent_available_again(
    quick_offers: Hub, db: Database, browser: Browser, lang: str
) -> None:
    hub = quick_offers
    errors: list[str] = []
    agent = await make_agent(db, "ann@x.test")
    async with db.write() as uow:
        (await uow.session.get_one(Agent, agent.id)).languages = ["en", "zh"]
    page = await sign_in(browser, hub, "ann@x.test", lang, errors)
    await expect(page.locator("#conn")).to_have_attribute("data-state", "live")
    await expect(page.locator("#my-status")).to_have_value("available")

    guest = await visitor(hub.url)
    await guest.next("session")
    await guest.call("message", {"text": "Hello, where is my parcel?", "client_id": "en-1"})
    await expect(page.locator(".offer")).to_be_visible()  # offered for one second, then it passes
    notice = page.locator("#away-notice")
    await expect(notice).to_contain_text(NOTICE[lang], timeout=15_000)
    await expect(page.locator("#my-status")).to_have_value("away")

    await shot(page, f"away-after-missed-offer-{lang}")
    await page.keyboard.press("b")
    await expect(notice).to_have_count(0)
    await expect(page.locator("#my-status")).to_have_value("available")
    async with db.read() as s:
        assert (await s.get_one(Agent, agent.id)).presence == "available"
    assert errors == []
    await guest.close()
