"""The chat widget in Chromium, in English and in Chinese: the website's branding, only the visitor's language, a
message going sent -> delivered -> read, the agent typing and answering, a photo, and the rating's thank-you."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
from playwright.async_api import Browser, FilePayload, Page, WebSocketRoute, expect
from sqlalchemy import select

from hub.agents.accounts import create_token
from hub.customers.tables import Survey
from hub.db.engine import Database
from hub.db.models import Interaction
from hub.settings import Settings
from tests.browser_kit import BROWSER, watch_errors
from tests.channels.webchat.widget_kit import (
    BRAND,
    BRAND_RGB,
    LANGUAGES,
    branded_hub,
    foreign_words,
    png,
    serious_axe_findings,
    shot,
)
from tests.conftest import Hub, make_agent, make_session
from tests.sockets import Probe, agent_socket
from tests.waiting import until

pytestmark = BROWSER
UI = {
    "en": {
        "lang": "en",
        "start": "Start chat",
        "typing": "Someone is typing…",
        "read": "Read",
        "offline": "No agent is online right now",
        "star": "5 out of 5",
        "thanks": "Thank you for your feedback!",
        "agent": "Wang Fang",
        "initials": "WF",
        "first": "Where is my parcel? Order 1234",
        "reply": "It left our warehouse today and arrives tomorrow.",
    },
    "zh": {
        "lang": "zh-Hans",
        "start": "开始咨询",
        "typing": "客服正在输入…",
        "read": "已读",
        "offline": "目前没有客服在线",
        "star": "5 分（满分 5 分）",
        "thanks": "感谢您的评价！",
        "agent": "王芳",
        "initials": "王",
        "first": "我的包裹在哪里？订单 1234",
        "reply": "包裹今天已从仓库发出，明天送达。",
    },
}


class HeldAcks:
    """Between the page and the hub: the hub's acknowledgements wait here while `hold` is set."""

    def __init__(self) -> None:
        self.hold = True
        self.held: list[str | bytes] = []
        self.page_side: WebSocketRoute | None = None

    async def route(self, ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()
        self.page_side = ws

        def from_hub(message: str | bytes) -> None:
            if self.hold and isinstance(message, str) and message.startswith("43/visitor,"):
                self.held.append(message)
            else:
                ws.send(message)

        ws.on_message(lambda message: server.send(message))
        server.on_message(from_hub)

    def release(self) -> None:
        self.hold = False
        assert self.page_side is not None
        for message in self.held:
            self.page_side.send(message)
        self.held.clear()


async def _api(hub: Hub, token: str, method: str, path: str, body: dict[str, Any]) -> int:
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http,
        http.request(method, f"{hub.url}{path}", json=body) as r,
    ):
        return r.status


async def _stored(db: Database, text: str) -> Interaction | None:
    async with db.read() as s:
        return await s.scalar(select(Interaction).where(Interaction.text == text))


async def _check_language(page: Page, lang: str, allowed: set[str]) -> None:
    assert await page.evaluate("document.documentElement.lang") == UI[lang]["lang"]
    shown = await page.locator("body").inner_text()
    shown += " ".join(await page.locator("[placeholder]").evaluate_all("els => els.map(e => e.placeholder)"))
    shown += " ".join(await page.locator("[aria-label]").evaluate_all("els => els.map(e => e.ariaLabel)"))
    assert foreign_words(shown, lang, allowed | {"Enter", "Shift"}) == []  # key names stay as printed on keys


async def test_a_chat_in_english_and_in_chinese_from_first_message_to_rating(
    settings: Settings, aiohttp_server: Callable[..., Any], db: Database, browser: Browser
) -> None:
    hub = await branded_hub(settings, aiohttp_server)
    agent = await make_agent(db, "wang.fang@example.test")
    console = await agent_socket(hub.url, await make_session(db, agent))
    for locale, width in (("en-US", 1440), ("zh-CN", 390)):
        await _journey(hub, db, browser, console, locale, width)
    await console.close()


async def _journey(hub: Hub, db: Database, browser: Browser, console: Probe, locale: str, width: int) -> None:
    lang = LANGUAGES[locale]
    ui = UI[lang]
    async with db.write() as uow:
        token = await create_token(uow.session, role="admin", name=ui["agent"])
    context = await browser.new_context(locale=locale, viewport={"width": width, "height": 900 if width > 400 else 844})
    page = await context.new_page()
    errors: list[str] = []
    watch_errors(page, errors)
    acks = HeldAcks()
    await page.route_web_socket("**/socket.io/**", acks.route)
    await page.goto(f"{hub.url}/chat")

    # The website's branding, in the visitor's language only.
    await expect(page.get_by_role("heading", level=1)).to_have_text(BRAND.title[ui["lang"]])
    await expect(page.get_by_text(BRAND.greeting[ui["lang"]])).to_be_visible()
    await expect(page.get_by_text(BRAND.hours_notice[ui["lang"]])).to_be_visible()
    assert await page.locator(".chat-header").evaluate("e => getComputedStyle(e).backgroundColor") == BRAND_RGB
    await expect(page.get_by_role("button", name=ui["start"])).to_be_visible()
    await _check_language(page, lang, set())
    assert await serious_axe_findings(page) == []
    await shot(page, f"chat-start-{lang}-{width}")

    # Sent (on its way), delivered (stored: the hub acknowledged it), read (the agent's console showed it).
    await page.fill("#prechat input[name=name]", "Chen Jing" if lang == "en" else "陈静")
    await page.fill("#composer textarea", ui["first"])
    await page.press("#composer textarea", "Enter")
    mine = page.locator("#messages .msg-inbound").filter(has_text=ui["first"])
    await expect(mine).to_have_attribute("data-status", "sent")
    await until(lambda: _stored(db, ui["first"]), what="the first message stored")
    acks.release()
    await expect(mine).to_have_attribute("data-status", "delivered")
    stored = await _stored(db, ui["first"])
    assert stored is not None
    ticket_id = stored.ticket_id
    assert (await console.call("watch", {"ticket_id": ticket_id}))["ok"] is True
    assert (await console.call("typing", {"ticket_id": ticket_id, "typing": True}))["ok"] is True
    await expect(page.locator("#typing")).to_contain_text(ui["typing"])
    assert (await console.call("seen", {"ticket_id": ticket_id, "up_to": stored.id}))["ok"] is True
    await expect(mine).to_have_attribute("data-status", "read")
    await expect(mine.locator(".status-text")).to_have_text(ui["read"])

    # The agent answers: their name and initials, the typing line gone, the offline notice no longer holds.
    assert await _api(hub, token, "POST", f"/api/v1/tickets/{ticket_id}/replies", {"text": ui["reply"]}) == 201
    theirs = page.locator("#messages .msg-outbound").filter(has_text=ui["reply"])
    await expect(theirs.locator(".who")).to_have_text(ui["agent"])
    await expect(theirs.locator(".avatar")).to_have_text(ui["initials"])
    await expect(page.locator("#typing")).to_have_count(0)
    await expect(page.locator("#notice")).to_have_count(0)

    # A photo, checked and stored like any channel's attachment.
    await page.locator("#composer input[type=file]").set_input_files(
        files=[FilePayload(name="parcel.png", mimeType="image/png", buffer=png())]
    )
    await expect(page.locator("#composer .picked")).to_contain_text("parcel.png")
    await page.locator("#composer button.send").click()
    photo = page.locator("#messages .msg-inbound img.file-image").last
    await expect(photo).to_be_visible()
    await expect(page.locator("#messages .msg-inbound").last).to_have_attribute("data-status", "delivered")
    async with db.read() as s:
        files = await s.scalar(
            select(Interaction.attachments)
            .where(Interaction.ticket_id == ticket_id, Interaction.direction == "inbound")
            .order_by(Interaction.id.desc())
            .limit(1)
        )
    assert files is not None and [(f["filename"], f["content_type"]) for f in files] == [("parcel.png", "image/png")]

    # Solved: the widget asks for a rating in the visitor's language, and thanks them.
    assert await _api(hub, token, "PATCH", f"/api/v1/tickets/{ticket_id}", {"status": "solved"}) == 200
    await page.get_by_role("button", name=ui["star"]).click()
    await expect(page.get_by_text(ui["thanks"])).to_be_visible()

    async def rated() -> bool:
        async with db.read() as s:
            return await s.scalar(select(Survey.rating).where(Survey.ticket_id == ticket_id)) == 5

    await until(rated, what="the rating recorded")
    await _check_language(page, lang, {"parcel", "png"})
    assert await serious_axe_findings(page) == []
    await shot(page, f"chat-{lang}-{width}")
    assert errors == []
    await context.close()


async def test_the_other_widths_show_the_same_chat(
    settings: Settings, aiohttp_server: Callable[..., Any], db: Database, browser: Browser
) -> None:
    """English on a phone and Chinese on a desktop, with no agent online: the notice in the visitor's language."""
    hub = await branded_hub(settings, aiohttp_server)
    for locale, width in (("en-US", 390), ("zh-CN", 1440)):
        lang = LANGUAGES[locale]
        ui = UI[lang]
        async with db.write() as uow:
            token = await create_token(uow.session, role="admin", name=ui["agent"])
        context = await browser.new_context(
            locale=locale, viewport={"width": width, "height": 844 if width < 400 else 900}
        )
        page = await context.new_page()
        errors: list[str] = []
        watch_errors(page, errors)
        await page.goto(f"{hub.url}/chat")
        await shot(page, f"chat-start-{lang}-{width}")
        await page.fill("#composer textarea", ui["first"])
        await page.press("#composer textarea", "Enter")
        mine = page.locator("#messages .msg-inbound").filter(has_text=ui["first"])
        await expect(mine).to_have_attribute("data-status", "delivered")
        # Nobody is online: the hub's notice, in the visitor's language.
        await expect(page.locator("#notice")).to_contain_text(ui["offline"])
        await shot(page, f"chat-notice-{lang}-{width}")
        stored = await _stored(db, ui["first"])
        assert stored is not None
        reply = f"/api/v1/tickets/{stored.ticket_id}/replies"
        assert await _api(hub, token, "POST", reply, {"text": ui["reply"]}) == 201
        await expect(page.locator("#messages .msg-outbound").filter(has_text=ui["reply"])).to_be_visible()
        await _check_language(page, lang, set())
        assert await serious_axe_findings(page) == []
        await shot(page, f"chat-{lang}-{width}")
        assert errors == []
        await context.close()
