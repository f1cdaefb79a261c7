"""The embeddable launcher on a website's own page: a round button in the site's colour that opens the chat in an
iframe (a panel on a desktop, the whole screen on a phone), by mouse or keyboard, in the visitor's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web
from playwright.async_api import Browser, expect

from hub.settings import Settings
from tests.browser_kit import BROWSER, watch_errors
from tests.channels.webchat.widget_kit import BRAND, BRAND_RGB, branded_hub, serious_axe_findings, shot

pytestmark = BROWSER
LABELS = {"en-US": ("Open chat", "Close chat", "Chat"), "zh-CN": ("打开在线客服", "关闭聊天", "在线客服")}


async def test_the_launcher_opens_the_chat_in_an_iframe_on_any_page(
    settings: Settings, aiohttp_server: Callable[..., Any], browser: Browser
) -> None:
    hub = await branded_hub(settings, aiohttp_server)
    website = web.Application()

    async def shop_page(_request: web.Request) -> web.Response:
        html = (
            "<!doctype html><html lang='en'><head><title>Shop</title></head><body><main><h1>Shop</h1>"
            "<p>Our autumn collection.</p></main>"
            f'<script src="{hub.url}/chat/widget.js"></script></body></html>'
        )
        return web.Response(text=html, content_type="text/html")

    async def no_icon(_request: web.Request) -> web.Response:
        return web.Response(status=204)

    website.router.add_get("/", shop_page)
    website.router.add_get("/favicon.ico", no_icon)
    shop = await aiohttp_server(website)
    for locale, width, height in (("en-US", 1440, 900), ("zh-CN", 390, 844)):
        open_label, close_label, frame_title = LABELS[locale]
        lang = "en" if locale == "en-US" else "zh"
        context = await browser.new_context(locale=locale, viewport={"width": width, "height": height})
        page = await context.new_page()
        errors: list[str] = []
        watch_errors(page, errors)
        await page.goto(str(shop.make_url("/")))
        launcher = page.get_by_role("button", name=open_label)
        await expect(launcher).to_be_visible()
        assert await launcher.evaluate("e => getComputedStyle(e).backgroundColor") == BRAND_RGB
        assert await serious_axe_findings(page) == []
        await launcher.focus()
        await page.keyboard.press("Enter")  # the keyboard alone opens it
        frame = page.locator(f'iframe[title="{frame_title}"]')
        await expect(frame).to_be_visible()
        chat = page.frame_locator(f'iframe[title="{frame_title}"]')
        await expect(chat.get_by_role("heading", level=1)).to_have_text(
            BRAND.title["en" if lang == "en" else "zh-Hans"]
        )
        box = await frame.bounding_box()
        assert box is not None
        if width < 480:
            assert (box["width"], box["height"]) == (width, height)  # a phone: the whole screen
        else:
            assert box["width"] < width / 2 and box["x"] + box["width"] < width  # a panel at the side
        await shot(page, f"chat-launcher-{lang}-{width}")
        # The chat's own close button (on a phone the launcher is under the chat) gives the page back.
        await chat.get_by_role("button", name=close_label).click()
        await expect(frame).to_be_hidden()
        await expect(page.get_by_role("button", name=open_label)).to_be_focused()
        assert errors == []
        await context.close()
