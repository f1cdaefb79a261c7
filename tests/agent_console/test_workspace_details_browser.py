"""The workspace's finer points in Chromium, in English and Chinese at 1440 and 390 px: solved work paged by the
server, an e-mail's quoted history folded and its forwarded mail, unread markers and the count in the tab title,
a sound for a customer's message, the notification list (SLA warning, mention) with its sound setting, canned
responses on `#` and `/` by keyboard, files by drag and drop and by paste shown as previews, and a failed delivery
with its provider's error and "send again"; screenshots of each and no serious axe-core finding."""

from __future__ import annotations

import re
import struct
import zlib
from datetime import timedelta

import aiohttp
import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy import select, update

from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Identity, Interaction, Ticket
from tests.agent_console.workspace_kit import go_busy, serious_axe_findings, shot, signed_in
from tests.browser_kit import BROWSER
from tests.conftest import PASSWORD, Hub, make_agent, make_token
from tests.console_kit import contact
from tests.mail_kit import call_api

pytestmark = BROWSER
SAYS = {
    "en": {"solved": "Solved", "more": "Show more", "quoted": "Show quoted history", "forwarded": "Forwarded message",
           "bell": "Notifications (1 new)", "desktop": "Desktop notifications", "sla": "First answer due soon",
           "mention": "li mentioned you", "noted": "Noted while reading it: Subject header",
           "canned": "Canned responses", "ago": r"^(now|\d+ min\. ago)$", "sms": "2 SMS", "tags": "Tags",
           "merge": "Merge or link", "related": "Related", "again": "linked already",
           "back": "Back to the conversation",
           "retry": "Send again now", "details": "Details:"},
    "zh-CN": {"solved": "已解决", "more": "显示更多", "quoted": "显示引用的往来邮件", "forwarded": "转发的邮件",
              "bell": "通知（1 条新）", "desktop": "桌面通知", "sla": "首次回复即将到期", "mention": "li 在工单",
              "canned": "快捷回复", "ago": r"^(现在|\d+分钟前)$", "sms": "2 条短信", "tags": "标签",
              "merge": "合并或关联", "related": "相关", "again": "已关联；请先解除关联",
              "noted": "读取时的技术提示： Subject header", "back": "返回会话",
              "retry": "立即重新发送", "details": "详情："},
}  # fmt: skip
QUOTED = "On Mon, 30 Nov 2026, Support wrote:\n> Your parcel left our warehouse on Friday."
FORWARDED = {"sender": "DHL <noreply@dhl.example>", "date": "Tue, 1 Dec 2026 09:12", "subject": "Delivery attempt",
             "text": "We could not deliver parcel 88231."}  # fmt: skip
SOLVED = 51  # one more than the console's page of 50
# Counts the chimes the workspace plays (each makes one AudioContext): a sound is heard, not only configured. The
# browser's Notification API and the tab's visibility are the platform's: recorded here, since headless Chromium
# has no permission prompt to click and no background tab.
PLATFORM = """
  window.chimes = 0;
  const Real = window.AudioContext;
  window.AudioContext = class extends Real { constructor(...a) { super(...a); window.chimes += 1; } };
  window.shownNotes = [];
  window.pageHidden = false;
  Object.defineProperty(document, "hidden", { get: () => window.pageHidden });
  window.Notification = class {
    static permission = "default";
    static requestPermission() { window.Notification.permission = "granted"; return Promise.resolve("granted"); }
    constructor(title, options) { window.shownNotes.push(`${title} | ${options && options.body}`); }
  };
"""


def png(colour: tuple[int, int, int]) -> bytes:
    """A 32x32 PNG of one colour: a real image, so a preview has something to show."""
    raw = b"".join(b"\x00" + bytes(colour) * 32 for _ in range(32))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 32, 32, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


async def seed(hub: Hub, db: Database, me: int) -> dict[str, int]:
    """The parcel mail (quoted history, a forwarded mail, due in 5 minutes), another of mine, solved work."""
    ids = {
        "parcel": await contact(hub, "My parcel has not arrived", who="song@example.com"),
        "invoice": await contact(hub, "The invoice title is wrong", who="li.na@example.cn"),
    }
    solved = [await contact(hub, f"Thanks, all good ({n})", who=f"done{n}@example.com") for n in range(SOLVED)]
    async with db.write() as uow:
        s = uow.session
        mine = {"assignee_id": me, "status": "open", "first_response_due_at": utcnow() + timedelta(hours=3)}
        await s.execute(update(Ticket).where(Ticket.id.in_(ids.values())).values(**mine))
        soon = utcnow() + timedelta(minutes=5)
        await s.execute(update(Ticket).where(Ticket.id == ids["parcel"]).values(first_response_due_at=soon))
        await s.execute(update(Ticket).where(Ticket.id.in_(solved)).values(assignee_id=me, status="solved"))
        mail = await s.scalar(select(Interaction).where(Interaction.ticket_id == ids["parcel"]))
        assert mail is not None
        warning = "Subject header: unencoded 8-bit text, read as gb18030"  # as hub/channels/email/parse.py notes
        mail.meta = {**mail.meta, "quoted": QUOTED, "forwarded": [FORWARDED], "warnings": [warning]}
        s.add(Identity(customer_id=mail.customer_id, kind="phone", value="+8613800138000"))  # SMS reaches them too
    supervisor = await make_token(db, "supervisor")
    macro = {"title": "Invoice fixed", "body": "Hello {{customer.name}}, the invoice is corrected.", "shared": True}
    status, body = await call_api(hub, supervisor, "POST", "/api/v1/macros", json=macro)
    assert status == 201, body
    return ids


async def poll(page: Page, expression: str) -> None:
    """Wait until a page expression is true (the console's CSP forbids wait_for_function's eval)."""
    await expect(page.locator("body")).to_be_visible()
    for _ in range(200):
        if await page.evaluate(expression):
            return
        await page.wait_for_timeout(100)
    raise AssertionError(f"never true: {expression}")


async def put_files(page: Page, event: str, images: dict[str, bytes]) -> None:
    """Drop files on the composer, or paste them into its text box, as a browser delivers them."""
    files = {name: list(data) for name, data in images.items()}
    await page.evaluate(
        """([event, files]) => {
            const dt = new DataTransfer();
            for (const [name, bytes] of Object.entries(files))
                dt.items.add(new File([new Uint8Array(bytes)], name, {type: 'image/png'}));
            const box = document.querySelector('#reply textarea');
            box.dispatchEvent(event === 'paste'
                ? new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true})
                : new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
        }""",
        [event, files],
    )


async def as_colleague(hub: Hub, email: str, path: str, body: dict[str, object]) -> None:
    """A colleague signed in to the console posts (their session and CSRF token, as their browser would)."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        r = await http.post(f"{hub.url}/login", data={"email": email, "password": PASSWORD}, allow_redirects=False)
        assert r.status == 302, await r.text()
        async with http.get(f"{hub.url}/console/directory") as page:
            found = re.search(r'name="csrf-token" content="([^"]+)"', await page.text())
        assert found is not None
        async with http.post(hub.url + path, json=body, headers={"X-CSRF-Token": found.group(1)}) as r:
            assert r.status == 201, await r.text()


@pytest.mark.parametrize(("lang", "width"), [("en", 1440), ("zh-CN", 1440), ("en", 390), ("zh-CN", 390)])
async def test_the_workspace_details(hub: Hub, db: Database, browser: Browser, lang: str, width: int) -> None:
    says = SAYS[lang]
    errors: list[str] = []
    me = await make_agent(db, "mei@example.test")
    await make_agent(db, "li@example.test")  # known to the workspace from the start, named on their note
    ids = await seed(hub, db, me.id)
    page = await signed_in(browser, hub, "mei@example.test", lang, width, errors)
    await page.add_init_script(PLATFORM)
    await page.reload()
    await go_busy(page)
    rows = page.locator("#tickets li")
    await expect(rows).to_have_count(2)

    # Solved work comes from the server a page at a time.
    await page.get_by_role("tab", name=says["solved"]).click()
    await expect(rows).to_have_count(50)
    await page.get_by_role("button", name=says["more"]).click()
    await expect(rows).to_have_count(SOLVED)
    await expect(page.get_by_role("button", name=says["more"])).to_have_count(0)
    # Done work: no answer due, nothing unread.
    await expect(page.locator("#tickets .sla, #tickets .unread-dot")).to_have_count(0)
    await rows.first.scroll_into_view_if_needed()
    await shot(page, f"workspace-solved-{lang}-{width}")
    assert await serious_axe_findings(page) == []
    await page.locator('[data-view="mine"]').click()
    await expect(rows).to_have_count(2)

    # The parcel is due in 5 minutes: a warning at once, counted on the bell and in the tab title.
    await expect(page.locator("#notifications-toggle")).to_have_attribute("aria-label", re.compile(r"\(|（"))
    await expect(page).to_have_title(re.compile(r"^\(\d+\) "))

    # Unread: reading the invoice ticket clears its marker; a new message from its customer brings it back,
    # with a sound, while the agent reads the parcel mail.
    invoice_row = page.locator(f'#tickets li[data-id="{ids["invoice"]}"]')
    await expect(invoice_row.locator(".unread-dot")).to_have_count(1)
    await invoice_row.locator("a").click()
    await expect(page.locator("#messages .msg-inbound")).to_have_count(1)
    if width == 390:
        await page.locator("button.back").click()
    await expect(invoice_row.locator(".unread-dot")).to_have_count(0)
    await page.locator(f'#tickets li[data-id="{ids["parcel"]}"] a').click()
    chimes = await page.evaluate("window.chimes")
    await contact(hub, "Any news on the invoice?", who="li.na@example.cn", n=1)
    if width == 390:  # on a phone the list is behind the conversation: the marker shows once back there
        await poll(page, f"window.chimes > {chimes}")
    else:  # with what the customer said and when, as a relative time
        await expect(invoice_row.locator(".unread-dot")).to_have_count(1)
        await expect(invoice_row.locator(".conv-preview")).to_have_text("Any news on the invoice?")
        await expect(invoice_row.locator(".conv-time")).to_have_text(re.compile(says["ago"]))
        await poll(page, f"window.chimes > {chimes}")

    # The mail: its quoted history folded until asked for, the forwarded mail with its headers.
    quoted = page.locator("#messages details.quoted")
    await expect(quoted).not_to_have_attribute("open", "")
    await expect(quoted.locator(".quoted-text")).to_be_hidden()
    await quoted.locator("summary").click()
    await expect(quoted.locator(".quoted-text")).to_contain_text("Your parcel left our warehouse")
    forwarded = page.locator("#messages blockquote.forwarded")
    await expect(forwarded.locator(".who")).to_contain_text(says["forwarded"])
    await expect(forwarded).to_contain_text("We could not deliver parcel 88231.")
    await expect(page.locator("#messages .msg-inbound .warning")).to_contain_text(says["noted"])
    await shot(page, f"workspace-mail-{lang}-{width}")
    assert await serious_axe_findings(page) == []

    # Tags in place (priority is a supervisor's: an agent is not offered what the hub would refuse).
    await expect(page.locator("#move-priority")).to_have_count(0)
    await page.locator(".ticket-actions > button", has_text=says["tags"]).click()
    await page.locator(".action-panel input[name=tags]").fill("courier, label")
    await page.locator(".action-panel input[name=tags]").press("Enter")
    await expect(page.locator(".ticket-actions .tags .tag")).to_have_text(["courier", "label"])

    # Link the invoice ticket: it shows in the context panel among linked tickets, and unlinks there.
    await page.locator(".ticket-actions > button", has_text=says["merge"]).click()
    await page.locator(".action-panel input[name=other]").fill(str(ids["invoice"]))
    await page.locator(".action-panel select[name=how]").select_option("link")
    await page.locator(".action-panel button[type=submit]").click()
    # Linked twice: the hub's refusal, said in the agent's language from its template.
    await expect(page.locator(".action-panel")).to_have_count(0)
    await page.locator(".ticket-actions > button", has_text=says["merge"]).click()
    await page.locator(".action-panel input[name=other]").fill(str(ids["invoice"]))
    await page.locator(".action-panel select[name=how]").select_option("link")
    await page.locator(".action-panel button[type=submit]").click()
    await expect(page.locator("#action-error")).to_contain_text(says["again"])
    await page.locator(".ticket-actions > button", has_text=says["merge"]).click()
    await expect(page.locator("#action-error")).to_have_text("")  # closed with its panel
    if width == 390:
        await page.locator("button.details-toggle").click()
    link = page.locator(f'#linked-tickets li[data-id="{ids["invoice"]}"]')
    await expect(link).to_contain_text(says["related"])
    await link.scroll_into_view_if_needed()
    await shot(page, f"workspace-linked-{lang}-{width}")
    assert await serious_axe_findings(page) == []
    await link.get_by_role("button").click()
    await expect(page.locator("#linked-tickets")).to_have_count(0)
    if width == 390:
        await page.get_by_role("button", name=says["back"]).click()

    # Desktop notifications once the agent opts in (from the bell), shown while the tab is in the background.
    bell = page.locator("#notifications-toggle")
    panel = page.locator("#notification-list")
    await bell.click()
    await panel.get_by_role("button", name=says["desktop"]).click()
    await expect(panel.get_by_role("button", name=says["desktop"])).to_have_count(0)
    await bell.click()  # closing the list marks the SLA warning read
    await page.evaluate("window.pageHidden = true")

    # A colleague mentions the agent: on the desktop, on the bell beside the SLA warning, in the Mentions view.
    note = {"text": "@mei the courier called back", "internal": True, "mentions": [me.id]}
    await as_colleague(hub, "li@example.test", f"/api/v1/tickets/{ids['parcel']}/replies", note)
    await poll(page, "window.shownNotes.some(n => n.endsWith('| @mei the courier called back'))")
    await page.evaluate("window.pageHidden = false")
    await expect(bell).to_have_attribute("aria-label", says["bell"])
    await expect(page.locator('[data-count="mentions"]')).to_have_text("1")
    await bell.click()
    await expect(panel.locator("li.notice-sla")).to_contain_text(says["sla"])
    await expect(panel.locator("li.notice-mention")).to_contain_text(says["mention"])
    await expect(panel.locator("li.notice-mention")).to_contain_text("the courier called back")
    await shot(page, f"workspace-notifications-{lang}-{width}")
    assert await serious_axe_findings(page) == []
    sound = panel.locator("button[aria-pressed]")
    await sound.click()
    await expect(sound).to_have_attribute("aria-pressed", "false")
    assert await page.evaluate("localStorage.getItem('hub.sound')") == "off"
    await sound.click()
    await expect(sound).to_have_attribute("aria-pressed", "true")
    await bell.click()
    await expect(panel).to_have_count(0)

    # Canned responses on "#" (and "/"), picked with the keyboard alone.
    reply = page.locator("#reply textarea")
    await reply.click()
    await reply.press_sequentially("#inv")
    picker = page.get_by_role("listbox", name=says["canned"])
    await expect(picker).to_contain_text("Invoice fixed")
    await reply.press("ArrowDown")
    await expect(picker.locator("li").first).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(reply).to_have_value(re.compile(r"^Hello .+, the invoice is corrected\.$"))
    await reply.fill("")
    await reply.press_sequentially("/inv")
    await expect(picker).to_be_visible()
    await reply.press("Escape")
    await expect(picker).to_have_count(0)

    # Another channel the customer can be reached on: its limits as the agent types, sending held back past them.
    await page.locator("#reply-channel").select_option("sms.twilio")
    await reply.fill("您好" * 40)
    await expect(page.locator("#limits")).to_contain_text("80 / 1600")
    await expect(page.locator("#limits")).to_contain_text(says["sms"])
    await reply.fill("x" * 1601)
    await expect(page.locator("#limits")).to_have_class(re.compile(r"\bover\b"))
    await expect(page.locator("#reply button.send")).to_be_disabled()
    await page.locator("#reply-channel").select_option("email")
    await reply.fill("Photos of the parcel label attached.")

    # Files by drag and drop and by paste, sent with the reply and shown as previews.
    await put_files(page, "drop", {"label.png": png((200, 40, 40))})
    await put_files(page, "paste", {"box.png": png((40, 120, 200))})
    await expect(page.locator("#picked li")).to_have_count(2)
    await reply.press("Control+Enter")
    sent = page.locator("#messages .msg-outbound").last
    await expect(sent.locator(".text")).to_have_text("Photos of the parcel label attached.")
    await expect(sent.locator("a.thumb img")).to_have_count(2)
    await poll(page, "[...document.querySelectorAll('.msg-outbound a.thumb img')].every(i => i.naturalWidth === 32)")

    # No relay takes the mail: the cause in the agent's language, the provider's words as details, send again.
    await expect(sent.locator(".delivery")).to_have_attribute("data-status", re.compile("failed|retrying"))
    await expect(sent.locator(".delivery-error .delivery-cause")).not_to_be_empty()
    await expect(sent.locator(".delivery-error .delivery-detail")).to_contain_text(says["details"])
    await sent.scroll_into_view_if_needed()
    await shot(page, f"workspace-delivery-{lang}-{width}")
    assert await serious_axe_findings(page) == []
    async with page.expect_response(re.compile(r"/api/v1/messages/\d+/retry$")) as again:
        await sent.get_by_role("button", name=says["retry"]).click()
    assert (await again.value).status == 202
    await expect(sent.locator(".delivery")).to_have_attribute("data-status", re.compile("failed|retrying"))
    assert [e for e in errors if "409 (Conflict)" not in e] == []  # the link made twice, on purpose
