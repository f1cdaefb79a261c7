"""Chromium for the browser tests: where it is, how it starts, and catching page errors."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
REQUIRED = os.environ.get("HUB_TEST_REQUIRE_BROWSER") == "1"
# How long an expect() waits for its condition (Playwright's default is 5 s): a ceiling for a busy 2-core
# machine, where a page's first paint can take longer; a passing condition returns at once.
expect.set_options(timeout=20_000)

# Every browser test module sets `pytestmark = BROWSER`: skipped without Chromium, unless CI requires it.
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists() and not REQUIRED, reason="Chromium is not installed"),
]
SEED = json.loads(
    (Path(__file__).parent.parent / "config" / "knowledge" / "sample-articles.json").read_text(encoding="utf-8")
)
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


async def launched() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        await b.close()


def watch_errors(page: Page, errors: list[str]) -> None:
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
