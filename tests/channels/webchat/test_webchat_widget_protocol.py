"""What the rebuilt widget relies on besides its page: branding from the config, files a visitor uploads, read
receipts from the agent's console, notices as message keys, and every text it shows in the catalog."""

from __future__ import annotations

import json
import re
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from hub.channels.base import ChannelConfigError
from hub.channels.webchat.config import parse_webchat
from hub.channels.webchat.strings import NOTICE_KEYS, WIDGET_STRINGS, widget_catalogs
from hub.db.engine import Database
from hub.db.models import Interaction
from tests.channels.webchat.widget_kit import png
from tests.conftest import Hub, make_agent, make_session
from tests.sockets import agent_socket, visitor

ROOT = Path(__file__).resolve().parents[3]


def test_each_website_brands_its_widget_and_mistakes_name_the_key() -> None:
    config = parse_webchat(
        {
            "widgets": {
                "shop": {
                    "title": {"en": "Acme Help", "zh": "艾克美客服"},
                    "colour": "#0F766E",
                    "logo": "https://shop.example/logo.png",
                    "greeting": "Hello!",
                    "hours_notice": {"en": "Mon–Fri 9–18", "zh-Hans": "周一至周五 9–18 点"},
                    "prechat": ["email"],
                }
            },
            "max_file_bytes": 2_000_000,
        }
    )
    shop = config.branding_of("shop").public()
    assert shop["title"] == {"en": "Acme Help", "zh-Hans": "艾克美客服"} and shop["colour"] == "#0f766e"
    assert shop["greeting"] == {"en": "Hello!"} and shop["prechat"] == ["email"]
    assert config.branding_of("blog").colour == "#2157d6"  # unconfigured: the hub's own look
    assert config.max_file_bytes == 2_000_000
    for table, key in (
        ({"colour": "teal"}, "webchat.widgets.shop.colour"),
        ({"logo": "javascript:alert(1)"}, "webchat.widgets.shop.logo"),
        ({"prechat": ["phone"]}, "webchat.widgets.shop.prechat"),
        ({"title": {"fr": "Aide"}}, "webchat.widgets.shop.title.fr"),
    ):
        with pytest.raises(ChannelConfigError) as caught:
            parse_webchat({"widgets": {"shop": table}})
        assert caught.value.key == key


async def test_the_chat_page_hands_the_widget_its_branding_and_both_languages(hub: Hub) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{hub.url}/chat?widget=shop") as r:
        assert r.status == 200
        page = await r.text()
        policy = r.headers["Content-Security-Policy"]
    assert '"widget": "shop"' in page and '"zh-Hans"' in page and "/static/app/widget.js?v=" in page
    assert "frame-ancestors *" in policy and "blob:" in policy and "unsafe-inline" not in policy
    async with aiohttp.ClientSession() as http, http.get(f"{hub.url}/chat/widget.js") as r:
        script = await r.text()
    # The launcher picks its label from the browser's languages (JSON in the script, non-ASCII escaped).
    assert json.dumps("打开在线客服") in script and '"Open chat"' in script


async def _upload(hub: Hub, token: str, data: bytes, name: str) -> tuple[int, dict[str, object]]:
    headers = {"X-Visitor-Token": token, "X-Filename": name, "Content-Type": "application/octet-stream"}
    async with aiohttp.ClientSession() as http, http.post(f"{hub.url}/chat/files", data=data, headers=headers) as r:
        return r.status, await r.json()


async def test_a_visitor_sends_an_image_or_a_pdf_and_only_their_own(hub: Hub, db: Database) -> None:
    guest = await visitor(hub.url, name="Lin")
    token = (await guest.next("session"))["visitor_token"]
    status, body = await _upload(hub, token, png(), "%E5%8F%91%E7%A5%A8.png")  # 发票.png, URI-encoded
    assert status == 201
    photo = body["file"]
    assert isinstance(photo, dict) and photo["type"] == "image/png" and photo["name"] == "发票.png"
    status, body = await _upload(hub, token, b"%PDF-1.7\n%%EOF\n", "receipt.pdf")
    assert status == 201 and isinstance(body["file"], dict) and body["file"]["type"] == "application/pdf"
    # Judged by the bytes: a script named like a photo is refused, as is anything without a visitor token.
    assert (await _upload(hub, token, b"<script>alert(1)</script>", "cat.png"))[0] == 415
    assert (await _upload(hub, "", png(), "cat.png"))[0] == 401

    ack = await guest.call("message", {"text": "", "client_id": "files-only-1", "files": [photo, body["file"]]})
    assert ack["ok"] is True
    async with db.read() as s:
        row = await s.get(Interaction, ack["id"])
    assert row is not None and row.text == "发票.png, receipt.pdf"
    assert [(a["filename"], a["content_type"]) for a in row.attachments] == [
        ("发票.png", "image/png"),
        ("receipt.pdf", "application/pdf"),
    ]

    # Another visitor who learns the file's key cannot attach it to their own chat.
    other = await visitor(hub.url)
    await other.next("session")
    refused = await other.call("message", {"text": "look", "files": [photo]})
    assert refused["ok"] is False and refused["error"]["code"] == "bad_file"
    await guest.close()
    await other.close()

    # On their return the history lists the files, and the text is not their names twice.
    back = await visitor(hub.url, visitor_token=token)
    history = (await back.next("session"))["messages"]
    assert history[-1]["text"] == "" and [f["name"] for f in history[-1]["files"]] == ["发票.png", "receipt.pdf"]
    await back.close()


async def test_the_agents_console_marks_the_visitors_messages_read(hub: Hub, db: Database) -> None:
    guest = await visitor(hub.url)
    await guest.next("session")
    ack = await guest.call("message", {"text": "is anyone there?"})
    console = await agent_socket(hub.url, await make_session(db, await make_agent(db)))
    seen = {"ticket_id": ack["ticket_id"], "up_to": ack["id"]}
    assert (await console.call("seen", seen))["ok"] is False  # only a ticket the console has open
    assert (await console.call("watch", {"ticket_id": ack["ticket_id"]}))["ok"] is True
    assert (await console.call("seen", {"ticket_id": True, "up_to": ack["id"]}))["ok"] is False
    assert (await console.call("seen", seen))["ok"] is True
    assert await guest.next("read") == seen
    await guest.close()
    await console.close()


async def test_notices_come_as_message_keys_the_widget_translates(hub: Hub, db: Database) -> None:
    guest = await visitor(hub.url)
    await guest.next("session")
    ack = await guest.call("message", {"text": "hello, nobody here?"})
    notice = ack["notice"]
    assert notice["key"] in NOTICE_KEYS and notice["params"]["ticket"] == ack["ticket_id"]
    assert "when" not in notice["params"]  # the widget writes the time in the visitor's own zone
    async with db.read() as s:
        assert await s.scalar(select(Interaction.id).where(Interaction.id == ack["id"])) is not None
    await guest.close()


def test_every_text_the_widget_shows_is_in_the_catalog_in_chinese() -> None:
    literal = re.compile(r'\bt\(\s*"((?:[^"\\]|\\.)*)"')
    used = {
        text
        for path in sorted((ROOT / "web" / "widget").rglob("*.ts*"))
        for text in literal.findall(path.read_text(encoding="utf-8"))
    }
    assert used - set(WIDGET_STRINGS) == set()
    chinese = widget_catalogs(ROOT / "locale")["zh-Hans"]
    assert [m for m in (*WIDGET_STRINGS, *NOTICE_KEYS) if not chinese.get(m)] == []
    placeholders = re.compile(r"%\(\w+\)s")
    assert [m for m, zh in chinese.items() if sorted(placeholders.findall(m)) != sorted(placeholders.findall(zh))] == []
