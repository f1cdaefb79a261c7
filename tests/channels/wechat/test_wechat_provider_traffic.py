"""WeChat's pushes as WeChat sends them (its retries, events, split CDATA, safe mode), through the hub."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from hub import keys
from hub.channels.wechat.webhooks import MEDIA_TASKS
from hub.db.engine import Database
from hub.db.models import Customer, HistoryEntry, Interaction, Ticket
from tests.conftest import Hub
from tests.waiting import until
from tests.wechat_kit import FakeWeChat, event_xml, plain_push, safe_push, text_xml

MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64


@dataclass
class VideoWeChat(FakeWeChat):
    """WeChat's media/get as it answers for a video message: where to download it, not its bytes."""

    cdn: str = ""

    async def get_media(self, request: web.Request) -> web.Response:
        if request.query.get("media_id") == "VIDEO_1" and request.query.get("access_token") in self.valid_tokens:
            return web.json_response({"video_url": f"{self.cdn}/cdn/VIDEO_1"}, content_type="text/plain")
        return await super().get_media(request)

    async def video(self, _request: web.Request) -> web.Response:
        return web.Response(body=MP4, content_type="application/octet-stream")


@pytest.fixture
def fake() -> VideoWeChat:
    return VideoWeChat()


@pytest.fixture
async def wechat_api_base(fake: VideoWeChat, aiohttp_server: Callable[..., Any]) -> str:
    app = fake.app()
    app.router.add_get("/cdn/VIDEO_1", fake.video)
    server: TestServer = await aiohttp_server(app)
    fake.cdn = str(server.make_url("")).rstrip("/")
    return fake.cdn


async def post(hub: Hub, push: tuple[str, bytes]) -> tuple[int, str]:
    query, body = push
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{hub.url}/webhooks/wechat/main?{query}", data=body, headers={"Content-Type": "text/xml"}) as r,
    ):
        return r.status, await r.text()


async def history(db: Database) -> list[str]:
    async with db.read() as s:
        return list(await s.scalars(select(HistoryEntry.kind).order_by(HistoryEntry.id)))


async def texts(db: Database) -> list[str]:
    async with db.read() as s:
        return list(await s.scalars(select(Interaction.text).order_by(Interaction.id)))


async def test_a_subscribe_retried_three_times_is_one_change(hub: Hub, db: Database) -> None:
    created = int(time.time())
    subscribe = event_xml("subscribe", "qrscene_123", created=created)
    for push in (plain_push(subscribe), plain_push(subscribe), safe_push(subscribe)):  # WeChat's 3 tries in 15 s
        assert await post(hub, push) == (200, "success")
    assert await history(db) == ["consent.granted"]
    assert await post(hub, plain_push(event_xml("unsubscribe", created=created + 60))) == (200, "success")
    assert await post(hub, plain_push(event_xml("subscribe", created=created + 120))) == (200, "success")
    assert await history(db) == ["consent.granted", "consent.revoked", "consent.granted"]
    async with db.read() as s:
        customer = await s.scalar(select(Customer))
    assert customer is not None and customer.attributes["consent"]["wechat"]["granted"] is True


async def test_a_new_followers_subscribe_resent_while_the_first_is_answered_is_one_change(
    hub: Hub, db: Database
) -> None:
    # WeChat resends a push it has waited on: the copies arrive together, before the follower is a customer.
    subscribe = event_xml("subscribe", "qrscene_9", created=int(time.time()))
    answers = await asyncio.gather(*(post(hub, plain_push(subscribe)) for _ in range(3)))
    assert answers == [(200, "success")] * 3
    assert await history(db) == ["consent.granted"]
    async with db.read() as s:
        assert len(list(await s.scalars(select(Customer)))) == 1


async def test_text_is_kept_as_written(hub: Hub, db: Database) -> None:
    # "]]>" inside a CDATA section arrives split in two sections; emoji, WeChat's own /:: faces, mojibake-looking
    # characters people paste; a pasted block keeps its indentation.
    split = text_xml("a]]]]><![CDATA[>b 😀 锟斤拷 烫烫烫 /::)")
    indented = text_xml("  订单号：\n    12345\n")
    for push in (safe_push(split), plain_push(indented)):
        assert await post(hub, push) == (200, "success")
    assert await texts(db) == ["a]]>b 😀 锟斤拷 烫烫烫 /::)", "  订单号：\n    12345\n"]


async def test_events_that_are_no_contact_are_acknowledged_and_a_retried_click_is_one(hub: Hub, db: Database) -> None:
    created = int(time.time())
    for event, key in (("SCAN", "123"), ("VIEW", "https://shop.example/orders"), ("LOCATION", "")):
        assert await post(hub, plain_push(event_xml(event, key))) == (200, "success")
    click = event_xml("CLICK", "MENU_BILLING", created=created)
    for _ in range(3):
        assert await post(hub, plain_push(click)) == (200, "success")
    assert await texts(db) == ["[菜单 menu] 账单问题 Billing"]
    async with db.read() as s:
        assert len(list(await s.scalars(select(Ticket)))) == 1


async def test_the_same_msgid_in_both_modes_is_stored_once(hub: Hub, db: Database) -> None:
    xml = text_xml("我的快递到哪了？", msg_id=23_456_789_012_345_678)
    for push in (plain_push(xml), safe_push(xml), plain_push(xml)):
        assert await post(hub, push) == (200, "success")
    assert await texts(db) == ["我的快递到哪了？"]


async def test_an_empty_body_is_refused_and_nothing_stored(hub: Hub, db: Database) -> None:
    for body in (b"", b"   "):
        status, text = await post(hub, plain_push(body))
        assert status == 400 and text.startswith("bad_xml")
    assert await texts(db) == []


async def test_a_video_message_is_downloaded_from_the_address_wechat_gives(hub: Hub, db: Database) -> None:
    xml = text_xml("", msg_type="video", extra="<MediaId>VIDEO_1</MediaId><ThumbMediaId>THUMB_1</ThumbMediaId>")
    assert await post(hub, plain_push(xml)) == (200, "success")

    async def fetched() -> bool:
        return not hub.app[MEDIA_TASKS]

    await until(fetched, what="the video download")
    async with db.read() as s:
        row = await s.scalar(select(Interaction))
    assert row is not None and row.text == "[视频 video]" and not row.meta.get("warnings")
    [video] = row.attachments
    assert (video["filename"], video["content_type"]) == ("VIDEO_1.mp4", "video/mp4")
    assert await hub.app[keys.ATTACHMENTS].get(video["storage_key"]) == MP4
