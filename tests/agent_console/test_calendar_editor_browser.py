"""The calendar editor in Chromium: an admin creates a calendar by keyboard, edits weekly hours, holidays and
extra working days (mistakes explained before anything is sent), is told why a calendar in use cannot be deleted,
and deletes one that is not; in English and Chinese at desktop (1440 px) and phone (390 px) widths, with
screenshots and no serious axe-core finding."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from playwright.async_api import Browser, expect
from sqlalchemy import select

from hub.db.engine import Database
from hub.db.models import AuditEntry
from hub.tickets.business_time import Calendar
from hub.tickets.calendar_store import reload_calendars, sync_calendars
from tests.agent_console.test_admin_pages_browser import sign_in
from tests.agent_console.workspace_kit import serious_axe_findings, shot
from tests.browser_kit import BROWSER
from tests.conftest import Hub, make_agent, make_token

pytestmark = BROWSER


async def api(hub: Hub, db: Database, method: str, path: str, body: Any) -> None:
    headers = {"Authorization": f"Bearer {await make_token(db, 'admin')}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        assert r.status < 300, (path, await r.text())


async def test_an_admin_edits_business_hours_holidays_and_workdays(hub: Hub, db: Database, browser: Browser) -> None:
    errors: list[str] = []
    await make_agent(db, "root@example.test", role="admin")
    await api(hub, db, "PATCH", "/api/v1/queues/billing", {"calendar": "cn-office"})
    page = await sign_in(browser, hub, "root@example.test", "en", 1440, errors, "/console/admin/calendars")
    await expect(page.locator("h1")).to_have_text("Calendars")
    office = page.locator('[data-calendar="cn-office"]')
    await expect(office).to_contain_text("From hub.toml")
    await expect(office).to_contain_text("Used by billing")

    # A new calendar by keyboard alone: the button, the name, the time zone, then Enter to send.
    await page.get_by_role("button", name="New calendar").focus()
    await page.keyboard.press("Enter")
    form = page.get_by_role("form", name="New calendar")
    await page.keyboard.press("Tab")
    await expect(form.get_by_label("Name", exact=True)).to_be_focused()
    await page.keyboard.type("Night Desk")
    await page.keyboard.press("Tab")
    await expect(form.get_by_label("Time zone")).to_be_focused()
    await page.keyboard.press("ControlOrMeta+a")
    await page.keyboard.type("Mars/Olympus")
    await page.keyboard.press("Enter")
    await expect(form.get_by_text("A calendar name uses lower-case letters")).to_be_visible()
    await expect(form.get_by_text("Choose a time zone from the list")).to_be_visible()
    await form.get_by_label("Name", exact=True).fill("night-desk")
    await form.get_by_label("Time zone").fill("Europe/Berlin")

    # Hours: a Saturday span that ends before it starts, a Monday one overlapping, both explained, then fixed.
    await form.get_by_role("button", name="Add hours on Saturday").click()
    saturday = form.locator('[data-day="sat"]')
    await saturday.get_by_label("Saturday, span 1 ends").fill("08:00")
    await expect(saturday).to_contain_text("A span must end after it starts")
    await saturday.get_by_label("Saturday, span 1 ends").fill("13:00")
    await expect(saturday.locator(".adm-field-error")).to_have_count(0)
    await form.get_by_role("button", name="Add hours on Monday").click()
    monday = form.locator('[data-day="mon"]')
    await monday.get_by_label("Monday, span 2 starts").fill("17:00")
    await expect(monday).to_contain_text("These spans overlap.")
    await form.get_by_role("button", name="Create calendar").click()
    await expect(form.get_by_text("Some weekday hours need correcting")).to_be_visible()
    await monday.get_by_role("button", name="Remove Monday span 2").click()
    await expect(monday.locator(".adm-field-error")).to_have_count(0)

    # Dates: a holiday added with Enter; the same day refused as a working day; another working day instead.
    await form.get_by_label("Add holiday").first.fill("2026-12-25")
    await form.get_by_label("Add holiday").first.press("Enter")
    await expect(form.locator(".cal-dates").first).to_contain_text("Dec 25, 2026")
    await form.get_by_label("Add working day").first.fill("2026-12-25")
    await form.get_by_role("button", name="Add working day").click()
    await expect(form.get_by_text("That day is a holiday: remove it there first.")).to_be_visible()
    await form.get_by_label("Add working day").first.fill("2026-12-27")
    await form.get_by_role("button", name="Add working day").click()
    await shot(page, "admin-calendar-new-en-1440")
    await form.get_by_role("button", name="Create calendar").click()
    night = page.locator('[data-calendar="night-desk"]')
    await expect(night).to_contain_text("Europe/Berlin")
    await expect(night).to_contain_text("Set by an admin")
    await expect(night.locator("tr", has_text="Saturday")).to_contain_text("09:00-13:00")

    # Changing the office's Friday: the card shows the saved hours.
    await office.get_by_role("button", name="Change calendar cn-office").click()
    editor = page.get_by_role("form", name="Change calendar cn-office")
    await editor.get_by_label("Friday, span 1 ends").fill("17:00")
    await editor.get_by_role("button", name="Save").click()
    await expect(office.locator("tr", has_text="Friday")).to_contain_text("09:00-17:00")
    await expect(office).to_contain_text("Set by an admin")

    # In use: deleting is refused and the page says which queues to move first; unused, it goes.
    await office.get_by_role("button", name="Delete").click()
    await office.get_by_role("group").get_by_role("button", name="Delete").click()
    await expect(page.get_by_role("alert")).to_contain_text("“cn-office” is still used by billing")
    await night.get_by_role("button", name="Delete").click()
    await night.get_by_role("group").get_by_role("button", name="Delete").click()
    await expect(night).to_have_count(0)

    async with db.read() as s:
        actions = list(
            await s.scalars(
                select(AuditEntry.action).where(AuditEntry.target_kind == "calendar").order_by(AuditEntry.id)
            )
        )
    assert actions == ["calendar.created", "calendar.updated", "calendar.deleted"]
    # The browser logs the refused delete (409) it was meant to meet; nothing else went wrong.
    assert [e for e in errors if "409 (Conflict)" not in e] == []


async def test_the_editor_in_both_languages_and_widths(hub: Hub, db: Database, browser: Browser) -> None:
    """Screenshots of the list and of the editor with a mistake explained, checked by axe-core."""
    await make_agent(db, "root@example.test", role="admin")
    await api(hub, db, "PATCH", "/api/v1/queues/billing", {"calendar": "cn-office"})
    words = {
        "en": ("Calendars", "Change calendar cn-office", "Add hours on Sunday", "Sunday, span 1 ends",
               "A span must end after it starts", "Delete", "is still used by billing"),
        "zh-CN": ("日历", "修改日历 cn-office", "为星期日添加时段", "星期日第 1 段结束时间",
                  "时段的结束时间必须晚于开始时间", "删除", "仍被 billing 使用"),
    }  # fmt: skip
    for lang, width in (("en", 1440), ("zh-CN", 1440), ("en", 390), ("zh-CN", 390)):
        title, change, add_sunday, sunday_ends, backwards, delete, in_use = words[lang]
        errors: list[str] = []
        page = await sign_in(browser, hub, "root@example.test", lang, width, errors, "/console/admin/calendars")
        await expect(page.locator("h1")).to_have_text(title)
        office = page.locator('[data-calendar="cn-office"]')
        await expect(office).to_be_visible()
        await shot(page, f"admin-calendars-list-{lang}-{width}")
        assert await serious_axe_findings(page) == [], (lang, width)
        await office.get_by_role("button", name=change).click()
        editor = page.get_by_role("form", name=change)
        await editor.get_by_role("button", name=add_sunday).click()
        await editor.get_by_label(sunday_ends).fill("08:00")
        await expect(editor.locator('[data-day="sun"]')).to_contain_text(backwards)
        await shot(page, f"admin-calendars-editor-{lang}-{width}")
        await editor.locator('[data-day="sun"]').scroll_into_view_if_needed()
        await shot(page, f"admin-calendars-editor-sunday-{lang}-{width}")
        assert await serious_axe_findings(page) == [], (lang, width)
        await editor.get_by_role("button", name="Cancel" if lang == "en" else "取消").click()
        await office.get_by_role("button", name=delete).click()
        await office.get_by_role("group").get_by_role("button", name=delete).click()
        await expect(page.get_by_role("alert")).to_contain_text(in_use)
        await page.get_by_role("alert").scroll_into_view_if_needed()
        await shot(page, f"admin-calendars-in-use-{lang}-{width}")
        await page.context.close()
        assert [e for e in errors if "409 (Conflict)" not in e] == [], (lang, width)


async def test_a_night_span_from_hub_toml_stays_while_other_days_change(
    hub: Hub, db: Database, browser: Browser
) -> None:
    """hub.toml may run a span past midnight ("22:00-06:00"); editing another day leaves it as it is."""
    nights = Calendar("nights", ZoneInfo("Asia/Shanghai"), (((9 * 60, 18 * 60),),) * 6 + (((22 * 60, 6 * 60),),))
    await sync_calendars(db, {**hub.settings.calendars, "nights": nights})
    await reload_calendars(db)
    errors: list[str] = []
    await make_agent(db, "root@example.test", role="admin")
    page = await sign_in(browser, hub, "root@example.test", "en", 1440, errors, "/console/admin/calendars")
    card = page.locator('[data-calendar="nights"]')
    await expect(card.locator("tr", has_text="Sunday")).to_contain_text("22:00-06:00")
    await card.get_by_role("button", name="Change calendar nights").click()
    editor = page.get_by_role("form", name="Change calendar nights")
    await expect(editor.locator('[data-day="sun"] .adm-field-error')).to_have_count(0)
    await editor.get_by_role("button", name="Remove Saturday span 1").click()
    await editor.get_by_role("button", name="Save").click()
    await expect(card.locator("tr", has_text="Saturday")).to_contain_text("Closed")
    await expect(card.locator("tr", has_text="Sunday")).to_contain_text("22:00-06:00")
    assert errors == []
