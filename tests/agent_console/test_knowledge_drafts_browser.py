"""Knowledge in Chromium: an edited published article stays published (and suggested) while its next version is
a draft, and agents draft articles in the console, in English and Chinese, wide and at 390 px."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from hub.db.engine import Database
from tests.browser_kit import BROWSER, watch_errors
from tests.conftest import PASSWORD, Hub, make_agent, make_token
from tests.mail_kit import call_api

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("HUB_TEST_ARTIFACTS", ROOT / "var" / "test-artifacts")) / "screenshots"
pytestmark = BROWSER
SAYS = {
    "en": {"published": "Published", "draft": "Draft", "v2": "version 2: Draft", "v2review": "version 2: In review",
           "next_review": "next version: In review"},
    "zh-CN": {"published": "已发布", "draft": "草稿", "v2": "第 2 版：草稿", "v2review": "第 2 版：审核中",
              "next_review": "下一版本：审核中"},
}  # fmt: skip


async def signed_in(browser: Browser, hub: Hub, email: str, lang: str, width: int, errors: list[str]) -> Page:
    context = await browser.new_context(locale=lang, viewport={"width": width, "height": 900})
    page = await context.new_page()
    watch_errors(page, errors)
    await page.goto(f"{hub.url}/login?lang={lang}")
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await expect(page.locator("html")).to_have_attribute("lang", lang)
    return page


async def published_article(hub: Hub, db: Database) -> int:
    km = await make_token(db, "knowledge_manager")
    body = {"title": "Change the delivery address", "short_answer": "Change it on the order page before shipping.",
            "body": "Open **My orders** and choose *Change address*.", "locale": "en",
            "variants": ["how do I change my delivery address"]}  # fmt: skip
    status, article = await call_api(hub, km, "POST", "/api/v1/knowledge/articles", json=body)
    assert status == 201, article
    for action in ("submit", "approve"):
        status, _ = await call_api(hub, km, "POST", f"/api/v1/knowledge/articles/{article['id']}/{action}")
        assert status == 200
    return int(article["id"])


async def suggested_titles(hub: Hub, token: str) -> list[str]:
    _, found = await call_api(hub, token, "GET", "/api/v1/knowledge/suggest?q=change+my+delivery+address")
    return [s["title"] for s in found["suggestions"]]


@pytest.mark.parametrize(("lang", "width"), [("en", 1280), ("zh-CN", 1280), ("zh-CN", 390)])
async def test_an_agent_edits_a_published_article_and_drafts_a_new_one(
    hub: Hub, db: Database, browser: Browser, lang: str, width: int
) -> None:
    says = SAYS[lang]
    errors: list[str] = []
    article_id = await published_article(hub, db)
    await make_agent(db, "zhao@example.test", "agent")
    reader = await make_token(db, "agent")
    page = await signed_in(browser, hub, "zhao@example.test", lang, width, errors)
    await expect(page).to_have_url(f"{hub.url}/console")  # agents still start in their inbox
    await page.locator('a[href="/console/knowledge"]').first.click()
    await expect(page).to_have_url(f"{hub.url}/console/knowledge")
    await expect(page.locator("#gaps")).to_have_count(0)  # the gap report is for knowledge managers

    # Editing the published article: v1 stays published and suggested, v2 is a draft beside it.
    await page.goto(f"{hub.url}/console/knowledge/{article_id}")
    await expect(page.locator("#art-status")).to_have_attribute("data-status", "published")
    await expect(page.locator("#approve")).to_have_count(0)  # publishing is for knowledge managers
    await page.fill("textarea[name=body]", "Open **My orders**, choose *Change address*, then save.")
    await page.click("#save")
    await expect(page.locator("#art-msg")).to_have_class("ok")
    await expect(page.locator("#art-status")).to_have_attribute("data-status", "published")
    await expect(page.locator("#art-status")).to_have_text(says["published"])
    await expect(page.locator("#next-status")).to_have_text(says["v2"])
    await expect(page.locator("#versions li")).to_have_count(2)
    assert await suggested_titles(hub, reader) == ["Change the delivery address"]
    await page.click("#submit-review")
    await expect(page.locator("#next-status")).to_have_text(says["v2review"])
    await expect(page.locator("#art-status")).to_have_attribute("data-status", "published")
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"kb-published-with-draft-{lang}-{width}.png"), full_page=True)
    _, detail = await call_api(hub, reader, "GET", f"/api/v1/knowledge/articles/{article_id}")
    assert (detail["status"], detail["working_status"], detail["live"]["number"]) == ("published", "in_review", 1)

    # The list shows it as published, and in the review queue as its next version.
    await page.goto(f"{hub.url}/console/knowledge")
    await page.locator('[data-filter="published"]').click()
    row = page.locator("#articles tbody tr")
    await expect(row).to_have_count(1)
    await expect(row.locator(".status")).to_contain_text(says["published"])
    await expect(row.locator(".status")).to_contain_text(says["next_review"])
    await page.locator('[data-filter="in_review"]').click()
    await expect(page.locator("#articles tbody tr")).to_have_count(1)

    # A new article, drafted by the agent in the console.
    await page.goto(f"{hub.url}/console/knowledge/new")
    await page.fill("input[name=title]", "退货运费谁承担 Who pays for return shipping")
    await page.fill("textarea[name=short_answer]", "质量问题由我们承担运费。")
    await page.fill("textarea[name=body]", "**质量问题**：我们承担运费。\n\n其他情况请自付运费。")
    await expect(page.locator("#preview strong")).to_have_text("质量问题")
    await page.click("#save")
    await expect(page).to_have_url(re.compile(r"/console/knowledge/\d+$"))
    await expect(page.locator("#art-status")).to_have_attribute("data-status", "draft")
    await expect(page.locator("#art-status")).to_have_text(says["draft"])
    await expect(page.locator("#next-status")).to_be_hidden()
    await expect(page.locator("#submit-review")).to_be_enabled()
    await page.screenshot(path=str(SHOTS / f"kb-agent-draft-{lang}-{width}.png"), full_page=True)
    await page.goto(f"{hub.url}/console/knowledge")
    await page.locator('[data-filter="draft"]').click()
    await expect(page.locator("#articles tbody tr")).to_have_count(1)
    await page.screenshot(path=str(SHOTS / f"kb-list-agent-{lang}-{width}.png"), full_page=True)
    assert errors == []
