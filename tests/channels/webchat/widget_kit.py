"""What the widget's browser journeys share: a branded hub, screenshots, axe-core, and a language check."""

from __future__ import annotations

import os
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.async_api import Page

from hub.app import create_app
from hub.channels.webchat.branding import Branding
from hub.channels.webchat.config import WebchatConfig
from hub.settings import Settings
from tests.conftest import Hub

ROOT = Path(__file__).resolve().parents[3]
SHOTS = Path(os.environ.get("HUB_TEST_ARTIFACTS", ROOT / "var" / "test-artifacts")) / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BRAND = Branding(
    title={"en": "Acme Help", "zh-Hans": "艾克美客服"},
    colour="#0f766e",
    greeting={"en": "Hi! Ask us anything about your order.", "zh-Hans": "您好！关于订单的任何问题都可以问我们。"},
    hours_notice={"en": "We answer Mon–Fri, 9:00–18:00", "zh-Hans": "服务时间：周一至周五 9:00–18:00"},
)
BRAND_RGB = "rgb(15, 118, 110)"
LANGUAGES = {"en-US": "en", "zh-CN": "zh"}


async def branded_hub(settings: Settings, aiohttp_server: Callable[..., Any]) -> Hub:
    """A hub whose default widget wears BRAND."""
    custom = settings.with_channel("webchat", WebchatConfig(branding={"default": BRAND}))
    app = create_app(custom)
    return Hub(await aiohttp_server(app), app, custom)


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"))


async def serious_axe_findings(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page, as "rule: targets"."""
    # Evaluated, not added as a <script>: the chat page's Content-Security-Policy refuses inline scripts.
    await page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    found: list[str] = await page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .filter(v => v.impact === 'serious' || v.impact === 'critical')
             .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
    )
    return found


def foreign_words(text: str, lang: str, allowed: set[str]) -> list[str]:
    """Words of the other language in what the page shows (allowed: what the visitor or agent typed)."""
    if lang == "en":
        return re.findall(r"[\u3400-\u9fff]+", text)
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in allowed]


def png(width: int = 48, height: int = 32) -> bytes:
    """A small real PNG (an orange rectangle), as a phone's photo would be to the widget."""
    row = b"\x00" + bytes((232, 121, 38)) * width
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
