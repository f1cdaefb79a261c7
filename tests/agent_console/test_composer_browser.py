"""The workspace's composer and ticket actions in Chromium, in English and Chinese at 1440 and 390 px: the Markdown
toolbar and its shortcuts, the emoji picker by keyboard and by Chinese name, a macro from the menu, splitting picked
messages into a new ticket, snoozing to a day and time written in the agent's language, and routing reasons in the
browser's time zone with skill names; screenshots of each and no serious axe-core finding."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy import select, update

from hub.clock import utcnow
from hub.customers.history import record
from hub.db.engine import Database
from hub.db.models import Ticket
from tests.agent_console.workspace_kit import SIZES, serious_axe_findings, shot
from tests.browser_kit import BROWSER, watch_errors
from tests.conftest import PASSWORD, Hub, make_agent, make_token
from tests.console_kit import contact
from tests.mail_kit import call_api

pytestmark = BROWSER
SAYS = {
    "en": {"bold": "Bold", "list": "Bulleted list", "emoji": "Emoji", "thanks": "folded hands", "macros": "Macros",
           "split": "Split off messages", "split_go": "Split into a new ticket", "snooze": "Snooze",
           "back": "Back to the conversation", "tomorrow": "Tomorrow", "weekday": "day,", "skill": "Refunds≥2",
           "zone": "America/New_York", "idle": "4:30", "due": "Dec 3, 2026"},
    "zh-CN": {"bold": "粗体", "list": "项目符号列表", "emoji": "表情", "thanks": "双手合十", "macros": "宏",
              "split": "拆分消息", "split_go": "拆分为新工单", "snooze": "稍后提醒",
              "back": "返回会话", "tomorrow": "明天", "weekday": "星期", "skill": "退款≥2",
              "zone": "Asia/Shanghai", "idle": "17:30", "due": "2026年12月4日"},
}  # fmt: skip
# Written by routing and snoozing in UTC with skill ids (hub.routing.decide, hub.tickets.snooze).
REASONS = [
    "needs refunds≥2 on email for a general customer",
    "Mei: fairest pick, 0% of capacity in use, idle since 09:30:00 (0/2 email; skill fit refunds 3), first of 1"
    " eligible",
]
SNOOZED = "pending until 2026-12-04 01:15 UTC (Mei)"


async def seed(hub: Hub, db: Database, agent_id: int) -> int:
    """One e-mail ticket of three customer messages, assigned to the agent with routing's reasons; a shared macro."""
    who = "song@example.com"
    ticket_id = await contact(hub, "My parcel has not arrived", who=who)
    for n, text in enumerate(("Also, the invoice title is wrong", "Please fix the invoice to ACME Ltd"), 1):
        assert await contact(hub, text, who=who, n=n) == ticket_id
    async with db.write() as uow:
        assignment = {"agent_id": agent_id, "by": "routing", "state": "assigned", "reasons": REASONS}
        values = {"assignee_id": agent_id, "status": "open", "assignment": assignment}
        await uow.session.execute(update(Ticket).where(Ticket.id == ticket_id).values(**values))
        customer = await uow.session.scalar(select(Ticket.customer_id).where(Ticket.id == ticket_id))
        assert customer is not None
        await record(uow.session, customer_id=customer, kind="ticket.reminder", at=utcnow(), summary=SNOOZED,
                     channel="email", ticket_id=ticket_id)  # fmt: skip
    supervisor = await make_token(db, "supervisor")
    macro = {"title": "Invoice fixed", "body": "Hello {{customer.name}}, the invoice is **corrected**.", "shared": True}
    status, body = await call_api(hub, supervisor, "POST", "/api/v1/macros", json=macro)
    assert status == 201, body
    return ticket_id


async def signed_in(browser: Browser, hub: Hub, lang: str, width: int, errors: list[str]) -> Page:
    context = await browser.new_context(
        locale=lang,
        viewport=SIZES[width],  # type: ignore[arg-type]
        bypass_csp=True,
        timezone_id=SAYS[lang]["zone"],
    )
    page = await context.new_page()
    watch_errors(page, errors)
    await page.goto(f"{hub.url}/login?lang={lang}")
    await page.fill("input[name=email]", "mei@example.test")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await expect(page.locator("#conn")).to_have_attribute("data-state", "live")
    return page


@pytest.mark.parametrize(("lang", "width"), [("en", 1440), ("zh-CN", 1440), ("en", 390), ("zh-CN", 390)])
async def test_the_composer_and_ticket_actions(hub: Hub, db: Database, browser: Browser, lang: str, width: int) -> None:
    says = SAYS[lang]
    errors: list[str] = []
    me = await make_agent(db, "mei@example.test")
    ticket_id = await seed(hub, db, me.id)
    page = await signed_in(browser, hub, lang, width, errors)
    await page.goto(f"{hub.url}/console/tickets/{ticket_id}")
    await expect(page.locator("#messages .msg-inbound")).to_have_count(3)

    # Routing reasons: skills by name, UTC times in the browser's zone, no "UTC" left.
    if width == 390:
        await page.locator("button.details-toggle").click()
    reasons = page.locator("#assignment")
    await expect(reasons).to_contain_text(says["skill"])
    await expect(reasons).to_contain_text(says["idle"])
    timeline = page.locator(".ws-context")
    await expect(timeline).to_contain_text(says["due"])
    assert "UTC" not in await timeline.inner_text() and "refunds" not in await reasons.inner_text()
    if width == 390:
        await page.get_by_role("button", name=says["back"]).click()

    # The toolbar: Ctrl+B on a selection, a bulleted line by its button, a link on selected words with Ctrl+K.
    reply = page.locator("#reply textarea")
    await reply.fill("Refund approved")
    await reply.press("Control+a")
    await reply.press("Control+b")
    await expect(reply).to_have_value("**Refund approved**")
    await reply.press("End")
    await reply.press("Enter")
    await page.get_by_role("button", name=says["list"]).click()
    await reply.press_sequentially("see the policy")
    await expect(reply).to_have_value("**Refund approved**\n- see the policy")
    await reply.evaluate("el => el.setSelectionRange(el.value.indexOf('the policy'), el.value.length)")
    await reply.press("Control+k")
    await reply.press_sequentially("https://shop.example/refund")
    await expect(reply).to_have_value("**Refund approved**\n- see [the policy](https://shop.example/refund)")
    bold = page.get_by_role("button", name=says["bold"])
    await expect(bold).to_have_attribute("title", f"{says['bold']} (Ctrl+B)")
    await shot(page, f"composer-toolbar-{lang}-{width}")
    assert await serious_axe_findings(page) == []

    # Emoji by keyboard: the picker opens on Enter, finds by the Chinese name, Enter puts it at the caret.
    await reply.press("End")
    emoji = page.get_by_role("button", name=says["emoji"], exact=True)
    await emoji.focus()
    await page.keyboard.press("Enter")
    search = page.locator("#emoji-picker input[type=search]")
    await expect(search).to_be_focused()
    await shot(page, f"emoji-{lang}-{width}")
    assert await serious_axe_findings(page) == []
    await search.fill("谢谢")
    await expect(page.locator("#emoji-picker .emoji-cell")).to_have_count(1)
    await expect(page.locator("#emoji-picker .emoji-cell")).to_have_attribute("aria-label", says["thanks"])
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("Enter")
    await expect(page.locator("#emoji-picker")).to_have_count(0)
    await expect(reply).to_have_value(re.compile(r"refund\)🙏$"))
    await reply.press("Control+Enter")
    sent = page.locator("#messages .msg-outbound .text").last
    await expect(sent).to_contain_text("• see the policy (https://shop.example/refund)🙏")
    assert (await sent.inner_text()).startswith("Refund approved\n")  # sent as Markdown: stored as its plain words

    # A macro from the composer's menu: its text, placeholders filled, lands in the reply.
    await page.get_by_role("button", name=says["macros"]).click()
    await page.locator("#macro-menu button[data-macro]").first.click()
    await expect(reply).to_have_value(re.compile(r"^Hello .+, the invoice is \*\*corrected\*\*\.$"))
    await reply.fill("")

    # Snooze: the day and time are written the workspace's way, whatever the browser's own date format.
    snooze = page.locator(".ticket-actions > button", has_text=says["snooze"])
    await snooze.click()
    await expect(page.locator("#snooze-day option:checked")).to_contain_text(says["tomorrow"])
    await expect(page.locator("#snooze-when")).to_contain_text(":")
    await page.locator("#snooze-day").select_option("2")  # by keyboard as well: a plain select
    await expect(page.locator("#snooze-when")).to_contain_text(says["weekday"])
    await shot(page, f"snooze-{lang}-{width}")
    assert await serious_axe_findings(page) == []
    await snooze.click()

    # Split: tick the two invoice messages, name the new ticket, and land on it, told where they came from.
    await page.get_by_role("button", name=says["split"], exact=True).click()
    picks = page.locator("#messages .msg-inbound .split-pick input")
    await picks.nth(1).check()
    await picks.nth(2).check()
    await page.locator("#split-bar input:not([type=checkbox])").fill("Invoice title")
    await shot(page, f"split-{lang}-{width}")
    assert await serious_axe_findings(page) == []
    await page.get_by_role("button", name=says["split_go"]).click()
    await expect(page).not_to_have_url(f"{hub.url}/console/tickets/{ticket_id}")
    await expect(page.locator("#split-done")).to_contain_text(f"#{ticket_id}")
    await expect(page.locator("#subject")).to_have_text("Invoice title")
    await expect(page.locator("#messages .msg-inbound")).to_have_count(2)
    await shot(page, f"split-done-{lang}-{width}")
    assert await serious_axe_findings(page) == []
    assert errors == []
