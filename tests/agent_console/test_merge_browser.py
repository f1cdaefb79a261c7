"""An agent merges a ticket into another of the same customer's from the ticket actions, in Chromium, in English
and Chinese at 1440 and 390 px: the other ticket picked from the customer's open ones (or its number typed), the
merge asked again, then the workspace shows the ticket it went into with the moved messages and the line saying
so; screenshots and axe-core."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import select, update

from hub import keys
from hub.db.engine import Database
from hub.db.models import Agent, Interaction, Ticket
from tests.agent_console.workspace_kit import serious_axe_findings, shot, signed_in
from tests.browser_kit import BROWSER
from tests.conftest import Hub, make_agent
from tests.console_kit import contact

pytestmark = BROWSER
SAYS = {
    "en": {"merge": "Merge or link", "apply": "Apply", "yes": "Merge", "cancel": "Cancel", "closed": "closed",
           "line": "Ticket #%(ticket)s merged into this one by mei (1 messages moved)",
           "question": "Merge #%(from)s into #%(into)s? Its messages move there and #%(from)s is closed."},
    "zh-CN": {"merge": "合并或关联", "apply": "应用", "yes": "合并", "cancel": "取消", "closed": "已关闭",
              "line": "由 mei 将工单 #%(ticket)s 合并到此工单（移入 1 条消息）",
              "question": "将 #%(from)s 合并到 #%(into)s？其消息将移到该工单，#%(from)s 将被关闭。"},
}  # fmt: skip
NO_ROOM = dict.fromkeys(("email", "webchat", "sms.twilio", "wechat", "voice.twilio"), 0)


@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
async def test_an_agent_merges_a_ticket_from_the_ticket_actions_and_lands_on_the_other(
    hub: Hub, db: Database, browser: Browser, lang: str, width: int
) -> None:
    says = SAYS[lang]
    errors: list[str] = []
    mei = await make_agent(db, "mei@example.test")
    who = "song@example.com"
    source = await contact(hub, "The invoice shows the old address", who=who, explicit_threading=True)
    target = await contact(hub, "Where is my parcel?", who=who, explicit_threading=True)
    other = await contact(hub, "Unrelated question", who="li.na@example.cn")
    await hub.app[keys.ROUTING].idle.wait()
    async with db.write() as uow:
        # Both of the customer's tickets are Mei's; she has no room for more, so routing changes nothing meanwhile.
        await uow.session.execute(update(Agent).where(Agent.id == mei.id).values(capacity=NO_ROOM))
        mine = {"assignee_id": mei.id, "status": "open"}
        await uow.session.execute(update(Ticket).where(Ticket.id.in_((source, target))).values(**mine))

    page = await signed_in(browser, hub, "mei@example.test", lang, width, errors)
    await page.goto(f"{hub.url}/console/tickets/{source}")
    await expect(page.locator("#messages")).to_contain_text("old address")
    await page.locator(".ticket-actions > button", has_text=says["merge"]).click()
    panel = page.locator("#merge-panel")
    # The customer's other open ticket is offered; another customer's is not.
    picks = panel.locator(".merge-candidates button")
    await expect(picks).to_have_count(1)
    await expect(picks).to_contain_text(f"#{target}")
    assert other not in [int(x) for x in await picks.evaluate_all("bs => bs.map(b => b.dataset.id)")]
    await shot(page, f"merge-pick-{lang}-{width}")
    if width == 1440:
        await picks.click()
        await expect(panel.locator("input[name=other]")).to_have_value(str(target))
    else:
        await panel.locator("input[name=other]").fill(str(target))
    await panel.get_by_role("button", name=says["apply"]).click()
    confirm = page.locator("#merge-confirm")
    await expect(confirm).to_have_text(
        (says["question"] % {"from": source, "into": target}) + says["yes"] + says["cancel"]
    )
    await shot(page, f"merge-confirm-{lang}-{width}")
    assert await serious_axe_findings(page) == []
    # Nothing is merged until she says so.
    async with db.read() as s:
        assert (await s.get_one(Ticket, source)).merged_into_id is None
    await confirm.get_by_role("button", name=says["yes"], exact=True).click()

    # She lands on the ticket it went into: both questions there, and the line saying what happened.
    await expect(page).to_have_url(f"{hub.url}/console/tickets/{target}")
    messages = page.locator("#messages")
    await expect(messages).to_contain_text("old address")
    await expect(messages).to_contain_text("Where is my parcel?")
    await expect(messages).to_contain_text(says["line"] % {"ticket": source})
    await expect(page.locator("#action-error")).to_have_text("")
    await shot(page, f"merge-landed-{lang}-{width}")
    assert await serious_axe_findings(page) == []
    async with db.read() as s:
        merged = await s.get_one(Ticket, source)
        assert merged.merged_into_id == target and merged.status == "closed"
        asked = select(Interaction.ticket_id).where(Interaction.text == "The invoice shows the old address")
        assert await s.scalar(asked) == target
    # The merged ticket, opened again, says where it went.
    await page.goto(f"{hub.url}/console/tickets/{source}")
    await expect(page.locator("#status")).to_have_text(says["closed"])
    assert errors == []
