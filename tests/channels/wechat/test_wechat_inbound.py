"""WeChat pushes that are not what they seem (another AppID, replayed or stale), and followers' nicknames."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from hub.app import create_app
from hub.channels.wechat.api import UNAUTHORIZED
from hub.channels.wechat.nicknames import NicknameCache, nickname_of
from hub.channels.wechat.webhooks import MEDIA_TASKS
from hub.db.engine import Database
from hub.db.models import Customer, Identity, Interaction
from hub.settings import Settings, SettingsError, load_settings
from tests.conftest import Hub
from tests.waiting import until
from tests.wechat_kit import MAIN, OPENID, OTHER, FakeWeChat, event_xml, plain_push, safe_push, text_xml

IDENTITY = f"{MAIN.appid}:{OPENID}"


@pytest.fixture
def fake() -> FakeWeChat:
    return FakeWeChat()


@pytest.fixture
async def wechat_api_base(fake: FakeWeChat, aiohttp_server: Callable[..., Any]) -> str:
    server: TestServer = await aiohttp_server(fake.app())
    return str(server.make_url("")).rstrip("/")


async def post(hub: Hub, push: tuple[str, bytes]) -> tuple[int, str]:
    query, body = push
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{hub.url}/webhooks/wechat/main?{query}", data=body, headers={"Content-Type": "text/xml"}) as r,
    ):
        return r.status, await r.text()


async def stored(db: Database) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(Interaction)) or 0)


async def name_of(db: Database, openid: str = OPENID) -> str:
    async with db.read() as s:
        name = await s.scalar(
            select(Customer.display_name)
            .join(Identity, Identity.customer_id == Customer.id)
            .where(Identity.value == f"{MAIN.appid}:{openid}")
        )
    assert name is not None
    return name


async def settled(hub: Hub) -> None:
    """Until the work the webhook left for after its answer (nicknames, media) is done."""

    async def idle() -> bool:
        return not hub.app[MEDIA_TASKS]

    await until(idle)


def push(mode: str, xml: str, ts: int | None = None) -> tuple[str, bytes]:
    return plain_push(xml, ts=ts) if mode == "plain" else safe_push(xml, ts=ts)


MODES = ["plain", "safe"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("signed", "created", "event"),
    [
        # a minute past the five-minute window each way, so a slow test machine cannot carry a case back inside it
        (-360, 0, False),  # signed more than five minutes ago: a captured request sent again
        (-3600, -3600, False),
        (+360, 0, False),  # from the future (a clock far off is no better)
        (0, -360, False),  # a fresh signature around a message written long ago
        (0, -86_400, True),  # the same for an event (a subscribe)
        (0, +600, False),
    ],
)
async def test_stale_or_future_pushes_are_refused_as_replays(
    hub: Hub, db: Database, mode: str, signed: int, created: int, event: bool
) -> None:
    now = int(time.time())
    xml = event_xml("subscribe", created=now + created) if event else text_xml("重放", created=now + created)
    status, text = await post(hub, push(mode, xml, ts=now + signed))
    assert status == 403 and text.startswith("replayed:")
    assert await stored(db) == 0
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(Customer)) == 0


@pytest.mark.parametrize("mode", MODES)
async def test_pushes_within_the_window_are_kept(hub: Hub, db: Database, mode: str) -> None:
    now = int(time.time())
    assert await post(hub, push(mode, text_xml("四分钟前", created=now - 245), ts=now - 240)) == (200, "success")
    assert await post(hub, push(mode, text_xml("时钟快了", created=now + 230), ts=now + 240)) == (200, "success")
    assert await stored(db) == 2


async def test_message_for_another_appid_is_an_authentication_failure(hub: Hub, db: Database) -> None:
    for xml in (text_xml("给别的公众号的"), event_xml("subscribe"), event_xml("CLICK", "MENU_BILLING")):
        status, text = await post(hub, safe_push(xml, account=OTHER))
        assert status == 403 and text.startswith("forged:") and "AppID" in text
    assert await stored(db) == 0


async def test_the_window_is_a_setting(settings: Settings, aiohttp_server: Callable[..., Any], db: Database) -> None:
    app = create_app(dataclasses.replace(settings, wechat_replay_window_s=30))
    hub = Hub(await aiohttp_server(app), app, settings)
    now = int(time.time())
    assert (await post(hub, plain_push(text_xml("一分钟前"), ts=now - 60)))[0] == 403
    assert await post(hub, plain_push(text_xml("刚刚"), ts=now - 5)) == (200, "success")
    assert load_settings(env={"HUB_WECHAT_REPLAY_WINDOW_S": "120"}).wechat_replay_window_s == 120
    assert load_settings(env={}).wechat_replay_window_s == 300
    with pytest.raises(SettingsError, match="HUB_WECHAT_REPLAY_WINDOW_S"):
        load_settings(env={"HUB_WECHAT_REPLAY_WINDOW_S": "0"})


async def test_url_verification_still_answers(hub: Hub) -> None:
    query, _ = plain_push("")
    async with aiohttp.ClientSession() as http, http.get(f"{hub.url}/webhooks/wechat/main?{query}&echostr=8841") as r:
        assert r.status == 200 and await r.text() == "8841"


async def test_nickname_is_filled_in_after_the_answer(hub: Hub, db: Database, fake: FakeWeChat) -> None:
    fake.users[OPENID] = {"nickname": "小明🐱 Ming", "sex": 1, "city": "深圳"}
    fake.user_info_gate = asyncio.Event()  # WeChat's user/info answers only when the test says so
    assert await post(hub, plain_push(text_xml("你好"))) == (200, "success")  # answered while user/info waits
    assert await stored(db) == 1 and await name_of(db) == "wechat visitor"

    async def asked() -> bool:
        return bool(fake.user_info_asked)

    await until(asked)
    fake.user_info_gate.set()

    async def named() -> bool:
        return await name_of(db) == "小明🐱 Ming"

    await until(named)
    assert fake.user_info_asked[0]["openid"] == OPENID and fake.user_info_asked[0]["lang"] == "zh_CN"
    assert await post(hub, plain_push(text_xml("还在吗"))) == (200, "success")
    await settled(hub)
    assert len(fake.user_info_asked) == 1  # known for a day: WeChat is not asked per message


async def test_api_unauthorized_leaves_the_name_and_stops_asking(hub: Hub, db: Database, fake: FakeWeChat) -> None:
    fake.user_info_error = UNAUTHORIZED  # 48001: an unverified account may not read user info
    assert await post(hub, plain_push(text_xml("第一条"))) == (200, "success")
    await settled(hub)
    assert await post(hub, plain_push(text_xml("别人的消息", openid="oOTHER_follower_0000000000"))) == (200, "success")
    await settled(hub)
    assert await stored(db) == 2 and await name_of(db) == "wechat visitor"
    assert len(fake.user_info_asked) == 1  # the account is not asked again for a while


async def test_empty_nickname_keeps_the_name_and_a_remark_is_used(hub: Hub, db: Database, fake: FakeWeChat) -> None:
    fake.users[OPENID] = {"nickname": "", "headimgurl": ""}  # what WeChat answers most accounts since 2021
    fake.users["oSECOND_follower_000000000"] = {"nickname": "", "remark": "王女士（老客户）"}
    assert await post(hub, plain_push(text_xml("在吗"))) == (200, "success")
    assert await post(hub, plain_push(text_xml("在吗", openid="oSECOND_follower_000000000"))) == (200, "success")
    await settled(hub)
    assert len(fake.user_info_asked) == 2
    assert await name_of(db) == "wechat visitor"
    assert await name_of(db, "oSECOND_follower_000000000") == "王女士（老客户）"


async def test_unreachable_api_loses_nothing(hub: Hub, db: Database) -> None:
    """The default test hub's WeChat API is a closed port: the message is kept, the name stays."""
    assert await post(hub, safe_push(text_xml("网络不好"))) == (200, "success")
    await settled(hub)
    assert await stored(db) == 1 and await name_of(db) == "wechat visitor"


async def test_a_real_name_is_never_replaced(hub: Hub, db: Database, fake: FakeWeChat) -> None:
    async with db.write() as uow:  # a known customer (imported, or named by an agent) who follows the account
        customer = Customer(display_name="李娜", tier="gold")
        uow.session.add(customer)
        await uow.session.flush()
        uow.session.add(Identity(customer_id=customer.id, kind="wechat", value=IDENTITY))
    fake.users[OPENID] = {"nickname": "随便起的昵称"}
    fake.users["oTHIRD_follower_0000000000"] = {"nickname": "第三位"}
    assert await post(hub, plain_push(text_xml("第一次"))) == (200, "success")
    assert await post(hub, plain_push(event_xml("subscribe", openid="oTHIRD_follower_0000000000"))) == (200, "success")

    async def subscriber_named() -> bool:
        return await name_of(db, "oTHIRD_follower_0000000000") == "第三位"

    await until(subscriber_named)  # a new follower is named from their subscribe event
    await settled(hub)
    assert await name_of(db) == "李娜"
    assert [q["openid"] for q in fake.user_info_asked] == ["oTHIRD_follower_0000000000"]  # nobody asked about 李娜


def test_cache_asks_once_a_day_and_backs_off() -> None:
    clock = [1000.0]
    cache = NicknameCache(lambda: clock[0])
    assert cache.claim("wx1", "o1") and not cache.claim("wx1", "o1")  # one look at a time
    clock[0] += 601
    assert cache.claim("wx1", "o1")  # the first look failed: asked again after the back-off
    cache.done("wx1", "o1")
    clock[0] += 3600
    assert not cache.claim("wx1", "o1")
    cache.denied("wx1")
    assert not cache.claim("wx1", "o2") and cache.claim("wx2", "o2")
    assert nickname_of({"nickname": "  阿\x00强  "}) == "阿强" and nickname_of({"subscribe": 0}) == ""
