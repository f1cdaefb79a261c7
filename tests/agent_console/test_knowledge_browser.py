"""The knowledge pages and the yellow pages in Chromium, in English and Chinese at 1440 and 390 px: a knowledge
manager finds articles by status, search and category, sees usefulness, how often each was suggested and overdue
reviews, edits with a live
preview and the short answer's channel counts, compares two versions side by side and publishes; a supervisor
finds colleagues by pinyin, skill and language (named in the page's language). Screenshots of each page, and
no serious or critical axe-core finding."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from hub import keys
from hub.db.engine import Database
from tests.agent_console.workspace_kit import SHOTS, SIZES, serious_axe_findings
from tests.browser_kit import BROWSER, watch_errors
from tests.conftest import PASSWORD, Hub, make_agent, make_token
from tests.mail_kit import call_api
from tests.waiting import until

pytestmark = BROWSER
SAYS = {
    "en": {"published": "Published", "draft": "Draft", "in_review": "In review", "overdue": "Overdue",
           "v2": "version 2: Draft", "cantonese": "Cantonese", "sms2": "SMS: 2 text messages", "all": "All",
           "suggested": "Suggested 4 times in the last 30 days", "share": "inserted in 25% of suggestions"},
    "zh-CN": {"published": "已发布", "draft": "草稿", "in_review": "审核中", "overdue": "已逾期",
              "v2": "第 2 版：草稿", "cantonese": "粤语", "sms2": "短信：2 条", "all": "全部",
              "suggested": "近 30 天被推荐 4 次", "share": "其中 25% 被插入回复"},
}  # fmt: skip
CASES = [("en", 1440), ("zh-CN", 1440), ("en", 390), ("zh-CN", 390)]


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def signed_in(browser: Browser, hub: Hub, email: str, lang: str, width: int, errors: list[str], to: str) -> Page:
    # bypass_csp: axe-core is injected as an inline script, which the console's CSP rightly refuses.
    context = await browser.new_context(locale=lang, viewport=SIZES[width], bypass_csp=True)  # type: ignore[arg-type]
    page = await context.new_page()
    watch_errors(page, errors)
    await page.goto(f"{hub.url}/login?lang={lang}&next={to}")
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await expect(page).to_have_url(re.compile(re.escape(to) + r"(\?.*)?$"))
    await expect(page.locator("html")).to_have_attribute("lang", lang)
    return page


async def article(hub: Hub, token: str, title: str, *actions: str, **fields: object) -> int:
    body = {"title": title, "short_answer": f"{title}.", "body": f"{title}.", "locale": "en", **fields}
    status, made = await call_api(hub, token, "POST", "/api/v1/knowledge/articles", json=body)
    assert status == 201, made
    for action in actions:
        status, _ = await call_api(hub, token, "POST", f"/api/v1/knowledge/articles/{made['id']}/{action}")
        assert status == 200
    return int(made["id"])


async def seed_articles(hub: Hub, db: Database) -> int:
    km = await make_token(db, "knowledge_manager")
    refund = await article(hub, km, "Refund timing", "submit", "approve", category="Billing", review_by="2021-03-01",
                           body="## When refunds arrive\n\nRefunds reach your card in **5 days**.\n\n- Cards: 5 days\n"
                                "- Wallets: 1 day", variants=["when do I get my money back"])  # fmt: skip
    body = (
        "## When refunds arrive\n\nRefunds reach your card in **3 working days**.\n\n- Cards: 3 days\n- Wallets: 1 day"
    )
    edit = {"body": body + "\n\nAsk us if it takes longer.", "title": "Refund timing and tracking"}
    status, _ = await call_api(hub, km, "PUT", f"/api/v1/knowledge/articles/{refund}", json=edit)
    assert status == 200
    await article(hub, km, "Change the delivery address", "submit", "approve", category="Orders")
    await article(hub, km, "礼品包装 Gift wrapping", category="Orders", tags=["gifts"])
    await article(hub, km, "Old coupon rules", "submit", "approve", "archive", category="Billing")
    for kind in ("helpful", "helpful", "inserted", "not_helpful"):
        status, _ = await call_api(
            hub, km, "POST", f"/api/v1/knowledge/articles/{refund}/feedback", json={"kind": kind}
        )
        assert status == 201
    return refund


async def seed_suggestions(hub: Hub, db: Database, refund: int) -> None:
    """Four suggestions of the refund article through the suggest endpoint, written by the flush: with the one
    insertion seed_articles records, a quarter of its suggestions went into replies."""
    km = await make_token(db, "knowledge_manager")

    async def indexed() -> bool:  # the list's search, which counts nothing, finds it once the index has it
        _, listed = await call_api(hub, km, "GET", "/api/v1/knowledge/overview?q=money+back&sort=relevance")
        return [a["id"] for a in listed["articles"]][:1] == [refund]

    await until(indexed, what="the refund article in the search index")
    for question in ("when do I get my money back", "money back?", "refund timing", "where is my refund"):
        status, body = await call_api(hub, km, "GET", "/api/v1/knowledge/suggest", params={"q": question})
        assert status == 200 and refund in [s["article_id"] for s in body["suggestions"]], body
    await hub.app[keys.KNOWLEDGE].flush()


async def seed_people(hub: Hub, db: Database) -> None:
    sup = await make_token(db, "supervisor")
    for email, profile in (
        ("zhang.wei@example.test", {"display_name": "张伟", "skills": {"refunds": 5, "billing": 3},
                                    "languages": ["zh-CN", "yue", "en"], "topics": ["wine"]}),
        ("amy@example.test", {"display_name": "Amy Walker", "skills": {"shipping": 4}, "languages": ["en"]}),
    ):  # fmt: skip
        agent = await make_agent(db, email, "agent")
        status, body = await call_api(hub, sup, "PATCH", f"/api/v1/agents/{agent.id}/profile", json=profile)
        assert status == 200, body


@pytest.mark.parametrize(("lang", "width"), CASES)
async def test_knowledge_pages_and_directory(hub: Hub, db: Database, browser: Browser, lang: str, width: int) -> None:
    says, errors, tag = SAYS[lang], list[str](), f"{lang}-{width}"
    refund = await seed_articles(hub, db)
    await seed_suggestions(hub, db, refund)
    await seed_people(hub, db)
    await make_agent(db, "km@example.test", "knowledge_manager")
    page = await signed_in(browser, hub, "km@example.test", lang, width, errors, "/console/knowledge")

    # The list: counts per status (a published article with a draft counts under both), overdue, usefulness.
    rows = page.locator("#articles tbody tr")
    await expect(rows).to_have_count(4)
    await expect(page.locator('[data-count="draft"]')).to_have_text("2")
    await expect(page.locator('[data-count="review_due"]')).to_have_text("1")
    row = page.locator(f'tr[data-article="{refund}"]')
    await expect(row.locator(".badge-overdue")).to_have_text(says["overdue"])
    await expect(row.locator(".status")).to_contain_text(says["published"])
    await expect(row.locator(".kb-useful .up")).to_have_text("2")
    await expect(row.locator(".kb-suggested")).to_have_text("4")
    await expect(row.locator(".kb-suggested")).to_have_attribute("aria-label", says["suggested"])
    await expect(page.locator("#gaps")).to_be_visible()  # knowledge managers see the gap report
    await shot(page, f"knowledge-list-{tag}")
    assert await serious_axe_findings(page) == []
    await page.locator('[data-filter="draft"]').click()
    await expect(rows).to_have_count(2)
    await page.locator('[data-filter=""]').click()
    await page.locator("body").press("/")  # the keyboard way to the search box
    await expect(page.locator("main").get_by_role("searchbox")).to_be_focused()
    await page.keyboard.type("gifts")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("Gift wrapping")
    await page.locator("main").get_by_role("searchbox").fill("")
    await page.locator("select[name=category]").select_option("Billing")
    await expect(rows).to_have_count(2)

    # The editor: published with its next version drafted; preview, channel counts, history and the diff.
    await page.goto(f"{hub.url}/console/knowledge/{refund}")
    await expect(page.locator("#art-status")).to_have_attribute("data-status", "published")
    await expect(page.locator("#next-status")).to_have_text(says["v2"])
    await expect(page.locator("#preview strong")).to_have_text("3 working days")
    await expect(page.locator("#suggested-count")).to_have_text(says["suggested"])
    await expect(page.locator("#inserted-share")).to_have_text(says["share"])
    await expect(page.locator("#versions li")).to_have_count(2)
    await page.fill("textarea[name=short_answer]", "退款会在三个工作日内退回到您的银行卡，如果超过时间请联系我们。" * 3)
    await expect(page.locator('#short-answer-hint [data-channel="sms"]')).to_have_text(says["sms2"])
    await shot(page, f"knowledge-editor-{tag}")
    assert await serious_axe_findings(page) == []
    diff = page.locator("#diff")
    await expect(diff.locator("del").first).to_be_visible()
    await expect(diff.locator(".kb-diff-right ins").filter(has_text="3")).not_to_have_count(0)
    await expect(diff.locator(".kb-diff-cell.added")).to_have_text("Ask us if it takes longer.")  # a new paragraph
    await expect(diff.locator(".kb-diff-left li del").first).to_have_text("5")  # a list item edited in place
    await diff.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.locator(".kb-versions").screenshot(path=str(SHOTS / f"knowledge-diff-{tag}.png"))

    # The workflow: save (the short answer), submit, approve; v2 goes live.
    await page.click("#save")
    await expect(page.locator("#art-msg")).to_have_class("ok")
    await page.click("#submit-review")
    await expect(page.locator("#next-status")).to_contain_text(says["in_review"])
    await page.click("#approve")
    await expect(page.locator("#next-status")).to_be_hidden()
    await expect(page.locator("#art-status")).to_have_text(says["published"])
    await expect(page.locator("#versions li")).to_have_count(2)
    await page.locator("#owner").select_option(label="km")  # knowledge managers hand articles to an owner
    await expect(page.locator("#art-msg")).to_have_text({"en": "Owner changed", "zh-CN": "负责人已更改"}[lang])
    _, listed = await call_api(hub, await make_token(db, "agent"), "GET", "/api/v1/knowledge/overview?q=Refund")
    assert listed["articles"][0]["owner"]["name"] == "km"

    # The yellow pages, as a supervisor: pinyin finds 张伟, languages read as names, skills with levels.
    await make_agent(db, "boss@example.test", "supervisor")
    desk = await signed_in(browser, hub, "boss@example.test", lang, width, errors, "/console/directory")
    await expect(desk.locator("#people > li")).to_have_count(4)
    zhang = desk.locator("#people > li").filter(has_text="张伟")
    await expect(zhang.locator(".kb-languages")).to_contain_text(says["cantonese"])
    await expect(zhang.locator(".kb-level").first).to_have_attribute("aria-label", re.compile("5"))
    await desk.locator("main").get_by_role("searchbox").fill("zhang")
    await expect(desk.locator("#people > li")).to_have_count(1)
    await desk.locator("main").get_by_role("searchbox").fill("")
    await desk.locator("select[name=language]").select_option("yue")
    await expect(desk.locator("#people > li")).to_have_count(1)
    await desk.locator("select[name=language]").select_option("")
    await expect(desk.locator("#people > li")).to_have_count(4)
    await shot(desk, f"directory-{tag}")
    assert await serious_axe_findings(desk) == []
    assert errors == []
