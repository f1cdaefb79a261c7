"""The workspace's customers list and customer profile in Chromium, in English and Chinese, on a desktop (1440 px)
and a phone (390 px): search by pinyin, tier chips, a profile with identities by label, tickets open first, surveys
and history, a supervisor's note, duplicates merged; list rows previewing the last message; screenshots of each
page and no serious axe-core finding."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.customers.duplicates import backfill
from hub.customers.tables import Survey
from hub.db.engine import Database
from hub.db.models import Customer, Ticket
from tests.agent_console.test_workspace_browser import english_runs
from tests.agent_console.workspace_kit import serious_axe_findings, shot, signed_in
from tests.browser_kit import BROWSER
from tests.conftest import Hub, make_agent
from tests.console_kit import contact

pytestmark = BROWSER
SAYS = {
    "en": {"customers": "Customers", "diamond": "diamond", "email": "E-mail", "open": "Open tickets",
           "edit": "Edit", "save": "Save", "notes": "Notes", "all": "All customers", "details": "Customer details"},
    "zh-CN": {"customers": "客户", "diamond": "钻石", "email": "电子邮件", "open": "未结工单",
              "edit": "编辑", "save": "保存", "notes": "备注", "all": "全部客户", "details": "客户详情"},
}  # fmt: skip


async def write_retrying(db: Database, change: Callable[[AsyncSession], Awaitable[None]]) -> None:
    """A seeding write, again if PostgreSQL picked it as a deadlock victim against the hub's own work on the
    tickets just ingested (routing, indexing)."""
    for attempt in range(5):
        try:
            async with db.write() as uow:
                await change(uow.session)
            return
        except DBAPIError as exc:
            if "deadlock" not in str(exc) or attempt == 4:
                raise


async def seed(hub: Hub, db: Database, agent_id: int) -> dict[str, int]:
    # 王小明 had an earlier ticket, solved, and rated it; then wrote again.
    earlier = await contact(hub, "上次的订单没收到", who="wang@example.cn", n=4)

    async def solve(s: AsyncSession) -> None:
        await s.execute(update(Ticket).where(Ticket.id == earlier).values(status="solved"))
        wang = (await s.get_one(Ticket, earlier)).customer_id
        s.add(Survey(ticket_id=earlier, customer_id=wang, token="s1", channel="email", rating=5, comment="很满意"))

    await write_retrying(db, solve)
    ids = {
        "earlier": earlier,
        "refund": await contact(hub, "我想申请退款，多久到账？", who="wang@example.cn"),
        "parcel": await contact(hub, "Where is my parcel? Order 88231", who="jane.doe@gmail.com", n=1),
        "other_jane": await contact(hub, "Invoice for order 88231 please", who="janedoe@gmail.com", n=2),
        "li": await contact(hub, "发票抬头开错了", who="li@example.cn", n=3),
    }
    people: dict[str, int] = {}

    async def name_and_assign(s: AsyncSession) -> None:
        people.update({k: (await s.get_one(Ticket, v)).customer_id for k, v in ids.items() if k != "earlier"})
        names = {"refund": ("王小明", "diamond"), "parcel": ("Jane Doe", "gold"), "other_jane": ("Jane Doe", "gold"),
                 "li": ("李娜", "general")}  # fmt: skip
        for key, (name, tier) in names.items():  # through the ORM, so the search index learns the names
            customer = await s.get_one(Customer, people[key])
            customer.display_name, customer.tier = name, tier
        mine = {"assignee_id": agent_id, "status": "open"}
        await s.execute(update(Ticket).where(Ticket.id.in_([ids["refund"], ids["parcel"]])).values(**mine))
        await s.execute(update(Ticket).where(Ticket.id == ids["refund"]).values(priority="urgent"))

    await write_retrying(db, name_and_assign)
    assert ids["refund"] != earlier
    await backfill(db, everyone=True)  # the duplicate-search keys of the seeded names
    return {**ids, **{f"c_{k}": v for k, v in people.items()}}


async def open_customers(page: Page, says: dict[str, str]) -> None:
    await page.locator(".ws-nav a[href='/console/customers']").click()
    await expect(page.locator("#cust-title")).to_have_text(says["customers"])


@pytest.mark.parametrize(("lang", "width"), [("en", 1440), ("zh-CN", 1440), ("en", 390), ("zh-CN", 390)])
async def test_customers_list_and_profile(hub: Hub, db: Database, browser: Browser, lang: str, width: int) -> None:
    says = SAYS[lang]
    errors: list[str] = []
    # A supervisor on the desktop (edits and merges), an agent on the phone (reads).
    role = "supervisor" if width == 1440 else "agent"
    me = await make_agent(db, "mei@example.test", role=role)
    ids = await seed(hub, db, me.id)
    page = await signed_in(browser, hub, "mei@example.test", lang, width, errors)

    # The inbox rows preview the last message, not only the subject.
    row = page.locator(f"#tickets li[data-id='{ids['parcel']}']")
    await expect(row.locator(".conv-preview")).to_have_text("Where is my parcel? Order 88231")

    # The customers list, in place: newest first, initials, tier, open tickets and last contact.
    await open_customers(page, says)
    await expect(page).to_have_url(f"{hub.url}/console/customers")
    await expect(page.locator(".ws-nav a[aria-current='page']")).to_have_attribute("href", "/console/customers")
    rows = page.locator("#customers li")
    await expect(rows).to_have_count(4)
    wang = page.locator(f"#customers li[data-id='{ids['c_refund']}']")
    await expect(wang.locator(".avatar")).to_have_text("王")
    await expect(wang.locator(".tier-diamond")).to_have_text(says["diamond"])
    await expect(wang.locator(".cust-open")).to_contain_text("1")
    await expect(wang.locator(".cust-last")).not_to_be_empty()
    await shot(page, f"customers-{lang}-{width}")
    assert await serious_axe_findings(page) == []

    # Tier chips and search by pinyin, with the match highlighted.
    await page.locator(".chip[data-tier='diamond']").click()
    await expect(rows).to_have_count(1)
    await page.locator(".chip[data-tier='all']").click()
    await page.locator("#customer-q").fill("wangxiaoming")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_have_attribute("data-id", str(ids["c_refund"]))
    await page.locator("#customer-q").fill("jane")
    await expect(rows).to_have_count(2)
    await expect(rows.first.locator(".cust-name mark")).to_have_text("Jane")  # the match, marked in the name
    await expect(rows.first.locator(".cust-name")).to_have_text("Jane Doe")
    await shot(page, f"customers-search-{lang}-{width}")

    # 王小明's profile: identities by label, open tickets first, solved below, surveys and history.
    await page.locator("#customer-q").fill("王小明")
    await expect(rows).to_have_count(1)
    await rows.first.locator("a").click()
    await expect(page).to_have_url(f"{hub.url}/console/customers/{ids['c_refund']}")
    await expect(page.locator("#profile-name")).to_have_text("王小明")
    await expect(page.locator(".cust-identities li").first).to_contain_text(says["email"])
    await expect(page.locator(".cust-identities")).not_to_contain_text("email")
    await expect(page.locator("#open-tickets li")).to_have_count(1)
    await expect(page.locator("#open-tickets li").first).to_have_attribute("data-id", str(ids["refund"]))
    await expect(page.locator("#done-tickets li")).to_have_count(1)
    await expect(page.locator(".cust-surveys li")).to_contain_text("很满意")
    await expect(page.locator(".cust-history li").first).to_be_visible()
    if lang != "en":  # what the hub composed shows in Chinese (the customers' own words may be anything)
        assert english_runs(await page.locator(".cust-card").inner_text(), lang) == []
    await shot(page, f"customer-profile-{lang}-{width}")
    assert await serious_axe_findings(page) == []

    if role == "supervisor":  # a note for colleagues
        await page.get_by_role("button", name=says["edit"]).click()
        await page.locator("#customer-edit textarea[name=notes]").fill("VIP: call back before 18:00")
        await page.locator("#customer-edit button[type=submit]").click()
        await expect(page.locator(".cust-notes p")).to_have_text("VIP: call back before 18:00")
    else:
        await expect(page.locator(".cust-edit-open")).to_have_count(0)

    # From the profile to the conversation, and from its customer card back to the profile.
    await page.locator(f"#open-tickets a[href='/console/tickets/{ids['refund']}']").click()
    await expect(page).to_have_url(f"{hub.url}/console/tickets/{ids['refund']}")
    await expect(page.locator("#messages .msg-inbound .text")).to_contain_text("申请退款")
    if width == 390:
        await page.get_by_role("button", name=says["details"]).click()
    await page.locator("#customer-name a").click()
    await expect(page).to_have_url(f"{hub.url}/console/customers/{ids['c_refund']}")
    await page.go_back()
    await expect(page).to_have_url(f"{hub.url}/console/tickets/{ids['refund']}")

    # Search on "/" finds customers too, and opens their profile; duplicates show with their evidence.
    await page.keyboard.press("/")
    await page.keyboard.type("Jane")
    found = page.locator(f"#search-results a[href='/console/customers/{ids['c_parcel']}']")
    await found.click()
    await expect(page.locator("#profile-name")).to_have_text("Jane Doe")
    duplicate = page.locator(".dup-item").first
    await expect(duplicate).to_contain_text(f"#{ids['c_other_jane']}")
    await expect(duplicate.locator(".dup-signal").first).to_be_visible()
    if lang != "en":  # the evidence by the signal's name in Chinese, with the addresses it compared
        await expect(duplicate).to_contain_text("同一邮箱: jane.doe@gmail.com / janedoe@gmail.com")
        await expect(duplicate).not_to_contain_text("same e-mail")
    await duplicate.scroll_into_view_if_needed()
    await shot(page, f"customer-duplicates-{lang}-{width}")
    if role == "supervisor":  # merged after a confirmation: this profile then says where the customer went
        page.once("dialog", lambda d: d.accept())
        await duplicate.locator(".dup-merge").click()
        await expect(page.locator(".cust-profile .warning a")).to_have_attribute(
            "href", re.compile(f"/console/customers/{ids['c_other_jane']}$")
        )
    await page.get_by_role("link", name=says["all"]).click()
    await expect(page).to_have_url(f"{hub.url}/console/customers")
    assert errors == []
