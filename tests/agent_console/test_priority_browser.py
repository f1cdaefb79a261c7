"""A supervisor raises a ticket's priority on the ticket page, in Chromium, in English and Chinese at 1440 and
390 px: their inbox puts it first (tests/agent_console/test_inbox_order.py has the order rules), and an agent's
console open on the same queue moves it to the top live, from the socket event; screenshots and axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy import update

from hub import keys
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Agent, Ticket
from tests.agent_console.workspace_kit import serious_axe_findings, shot, signed_in
from tests.browser_kit import BROWSER
from tests.conftest import Hub, make_agent
from tests.console_kit import contact, join_queue

pytestmark = BROWSER
SAYS = {"en": {"back": "Back to the list", "urgent": "urgent", "queues": "My queues"},
        "zh-CN": {"back": "返回列表", "urgent": "紧急", "queues": "我的队列"}}  # fmt: skip
# No room for any work: routing never hands either of them a ticket, which would reorder "theirs" first.
NO_ROOM = dict.fromkeys(("email", "webchat", "sms.twilio", "wechat", "voice.twilio"), 0)


async def order(page: Page) -> list[int]:
    ids: list[int] = await page.eval_on_selector_all("#tickets li", "rows => rows.map(r => Number(r.dataset.id))")
    return ids


async def listed_as(page: Page, expected: list[int]) -> None:
    """Wait until the list shows exactly these tickets in this order."""
    rows = page.locator("#tickets li")
    await expect(rows).to_have_count(len(expected))
    for n, ticket_id in enumerate(expected):
        await expect(rows.nth(n)).to_have_attribute("data-id", str(ticket_id))


@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
async def test_a_supervisor_raises_priority_on_the_ticket_page_and_every_inbox_reorders(
    hub: Hub, db: Database, browser: Browser, lang: str, width: int
) -> None:
    says = SAYS[lang]
    errors: list[str] = []
    sam = await make_agent(db, "sam@example.test", "supervisor")
    zhao = await make_agent(db, "zhao@example.test")
    await join_queue(db, zhao.id, "general")
    async with db.write() as uow:
        await uow.session.execute(update(Agent).where(Agent.id.in_((sam.id, zhao.id))).values(capacity=NO_ROOM))
    names = ["invoice address", "parcel late", "password reset"]
    ids = [await contact(hub, name, who=f"c{n}@example.com", n=n) for n, name in enumerate(names)]
    # Customers are written before tickets by every writer: wait until routing has left them all waiting.
    await hub.app[keys.ROUTING].idle.wait()
    async with db.write() as uow:
        # One due time for all: the order falls to priority, then the longest wait (the first contact first).
        later = utcnow() + timedelta(hours=2)
        await uow.session.execute(update(Ticket).values(first_response_due_at=later, first_responded_at=None))
    reset = ids[2]

    agent = await signed_in(browser, hub, "zhao@example.test", lang, width, errors)
    await agent.get_by_role("tab", name=says["queues"]).click()
    await listed_as(agent, ids)

    page = await signed_in(browser, hub, "sam@example.test", lang, width, errors)
    await page.click('[data-view="all"]')
    await listed_as(page, ids)
    await page.locator(f'#tickets li[data-id="{reset}"] a').first.click()
    await expect(page).to_have_url(f"{hub.url}/console/tickets/{reset}")
    picker = page.locator("#move-priority")
    await expect(picker).to_have_value("normal")
    await picker.select_option("urgent")
    header = page.locator(".ws-conversation .prio")
    await expect(header).to_have_text(says["urgent"])
    await expect(page.locator("#action-error")).to_have_text("")
    await shot(page, f"priority-ticket-{lang}-{width}")
    assert await serious_axe_findings(page) == []
    if width == 390:  # one pane at a time: back to the list
        await page.get_by_role("button", name=says["back"]).click()
    await listed_as(page, [reset, ids[0], ids[1]])
    await expect(page.locator(f'#tickets li[data-id="{reset}"] .prio-urgent')).to_have_text(says["urgent"])

    # The agent's console, open all along, moved it to the top from the socket event: no reload, no click.
    await listed_as(agent, [reset, ids[0], ids[1]])
    await expect(agent.locator(f'#tickets li[data-id="{reset}"] .prio-urgent')).to_have_text(says["urgent"])
    assert await order(agent) == await order(page)
    await shot(agent, f"priority-live-{lang}-{width}")
    assert await serious_axe_findings(agent) == []
    async with db.read() as s:
        assert (await s.get_one(Ticket, reset)).priority == "urgent"
    assert errors == []
