"""Refusals and failed deliveries in the agent's language, in Chromium at 1440 and 390 px: a reply to a closed
ticket is refused with the Chinese sentence (no English), and an SMS the provider refuses shows its cause in
Chinese with the provider's own words in a smaller details line; screenshots and no serious axe-core finding."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import select

from hub.db.engine import Database
from hub.db.models import Ticket
from tests.agent_console.workspace_kit import serious_axe_findings, shot, signed_in
from tests.browser_kit import BROWSER
from tests.conftest import Hub, make_agent, make_token
from tests.console_kit import contact
from tests.mail_kit import call_api
from tests.twilio_kit import CUSTOMER, FakeTwilio, post_signed, sms_params

pytestmark = BROWSER
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CLOSED = {
    "zh-CN": "此工单已关闭；客户下次联系时会新建工单",
    "en": "this ticket is closed; the customer's next contact opens a new one",
}
INVALID = {"zh-CN": "手机号码无效", "en": "the phone number is not valid"}


@pytest.mark.parametrize(("lang", "width"), [("zh-CN", 1440), ("zh-CN", 390), ("en", 1440)])
async def test_a_reply_to_a_closed_ticket_is_refused_in_the_agents_language(
    hub: Hub, db: Database, browser: Browser, lang: str, width: int
) -> None:
    errors: list[str] = []
    await make_agent(db, "mei@example.test")
    ticket_id = await contact(hub, "Where is my parcel?", who="song@example.com")
    status, body = await call_api(hub, await make_token(db), "PATCH", f"/api/v1/tickets/{ticket_id}",
                                  json={"status": "closed"})  # fmt: skip
    assert status == 200, body
    page = await signed_in(browser, hub, "mei@example.test", lang, width, errors)
    await page.goto(f"{hub.url}/console/tickets/{ticket_id}")
    reply = page.locator("#reply textarea")
    await reply.fill("It is on its way.")
    await page.click("#reply button[type=submit]")
    refusal = page.locator("#reply-error")
    await expect(refusal).to_have_text(CLOSED[lang])
    if lang != "en":
        assert not LATIN_WORD.search(await refusal.inner_text())
    await shot(page, f"refusal-closed-{lang}-{width}")
    assert await serious_axe_findings(page) == []
    assert all("422" in e for e in errors), errors  # only the refused POST, which the browser logs


@pytest.mark.parametrize(("lang", "width"), [("zh-CN", 1440), ("zh-CN", 390), ("en", 1440)])
async def test_a_failed_sms_shows_its_cause_in_the_agents_language(
    twilio_hub: Hub, db: Database, fake_twilio: FakeTwilio, browser: Browser, lang: str, width: int
) -> None:
    errors: list[str] = []
    await make_agent(db, "mei@example.test")
    await post_signed(f"{twilio_hub.url}/webhooks/twilio/sms", sms_params("我的快递到哪了？"))
    async with db.read() as s:
        ticket_id = await s.scalar(select(Ticket.id))
    fake_twilio.refuse[CUSTOMER] = (400, 21211, "The 'To' number is not a valid phone number.")
    page = await signed_in(browser, twilio_hub, "mei@example.test", lang, width, errors)
    await page.goto(f"{twilio_hub.url}/console/tickets/{ticket_id}")
    await expect(page.locator("#messages .msg-inbound")).to_have_count(1)
    await page.locator("#reply textarea").fill("已经发货了")
    await page.click("#reply button[type=submit]")
    problem = page.locator("#messages .delivery-error")
    # Said live, from the delivery event, without reloading the ticket.
    await expect(problem.locator(".delivery-cause")).to_have_text(INVALID[lang])
    await expect(problem.locator(".delivery-detail code")).to_have_text("Twilio error 21211: invalid 'To' number")
    if lang != "en":
        assert not LATIN_WORD.search(await problem.locator(".delivery-cause").inner_text())
    await shot(page, f"delivery-problem-{lang}-{width}")
    # The same after a reload, from the ticket's snapshot.
    await page.reload()
    await expect(page.locator("#messages .delivery-error .delivery-cause")).to_have_text(INVALID[lang])
    assert await serious_axe_findings(page) == []
    assert errors == [], errors
