"""The inbox lists what must be answered next first, and `n` (in the inbox or on a ticket) opens it."""

from __future__ import annotations

from datetime import timedelta

from playwright.async_api import Browser, expect
from sqlalchemy import update

from hub import keys
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Agent, Customer, Ticket
from tests.agent_console.test_console_browser import sign_in, until_true
from tests.agent_console.workspace_kit import go_busy
from tests.browser_kit import BROWSER
from tests.conftest import Hub, make_agent
from tests.console_kit import contact

pytestmark = BROWSER


async def test_overdue_and_urgent_tickets_come_first_and_n_opens_the_first(
    hub: Hub, db: Database, browser: Browser
) -> None:
    errors: list[str] = []
    sam = await make_agent(db, "sam@example.test", "supervisor")
    async with db.write() as uow:
        # No room for any work: routing never offers Sam a ticket between signing in and going busy, which
        # would make it "his" and the next to answer ahead of the order this test is about.
        full = dict.fromkeys(("email", "webchat", "sms.twilio", "wechat", "voice.twilio"), 0)
        await uow.session.execute(update(Agent).where(Agent.id == sam.id).values(capacity=full))
    names = ["low general", "normal general", "urgent general", "normal diamond", "overdue normal gold", "high"]
    ids = {name: await contact(hub, name, who=f"c{n}@example.com", n=n) for n, name in enumerate(names)}
    # The router has left every ticket waiting (no one has room) before the rows are changed under it, and
    # customers are written before tickets: the lock order every writer of the hub keeps (customer, then
    # ticket). Tickets first while the router held a customer and wanted its ticket deadlocked.
    await hub.app[keys.ROUTING].idle.wait()
    async with db.write() as uow:
        for name, tier in [("normal diamond", "diamond"), ("overdue normal gold", "gold")]:
            customer = (await uow.session.get_one(Ticket, ids[name])).customer_id
            await uow.session.execute(update(Customer).where(Customer.id == customer).values(tier=tier))
    now = utcnow()
    later = now + timedelta(hours=2)
    async with db.write() as uow:
        s = uow.session
        # Every ticket is due in two hours but one, whose first answer is already late.
        await s.execute(update(Ticket).values(first_response_due_at=later, first_responded_at=None))
        await s.execute(
            update(Ticket)
            .where(Ticket.id == ids["overdue normal gold"])
            .values(first_response_due_at=now - timedelta(minutes=5))
        )
        for name, priority in [("low general", "low"), ("urgent general", "urgent"), ("high", "high")]:
            await s.execute(update(Ticket).where(Ticket.id == ids[name]).values(priority=priority))
    page = await sign_in(browser, hub, "sam@example.test", "en", errors)
    await go_busy(page)
    await page.click('[data-view="all"]')
    await until_true(page, f"document.querySelectorAll('#tickets li').length === {len(names)}")
    shown = await page.eval_on_selector_all("#tickets li", "rows => rows.map(r => Number(r.dataset.id))")
    expected = ["overdue normal gold", "urgent general", "high", "normal diamond", "normal general", "low general"]
    assert shown == [ids[name] for name in expected]
    await page.keyboard.press("n")
    await expect(page).to_have_url(f"{hub.url}/console/tickets/{ids['overdue normal gold']}")
    # On a ticket page, n goes on to the next one in the same order.
    await expect(page.locator("#messages")).to_be_visible()
    await page.keyboard.press("n")
    await expect(page).to_have_url(f"{hub.url}/console/tickets/{ids['urgent general']}")
    assert errors == []
