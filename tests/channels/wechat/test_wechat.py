"""WeChat channel end to end: signed and encrypted pushes in, hostile XML out, replies to a fake WeChat API."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select, update

from hub import keys
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import AuditEntry, Customer, HistoryEntry, Identity, Interaction, Ticket
from tests.conftest import Hub
from tests.wechat_kit import MAIN, OPENID, OTHER, FakeWeChat, event_xml, plain_push, safe_push, text_xml

IDENTITY = f"{MAIN.appid}:{OPENID}"


@pytest.fixture
def fake() -> FakeWeChat:
    return FakeWeChat()


@pytest.fixture
async def wechat_api_base(fake: FakeWeChat, aiohttp_server: Callable[..., Any]) -> str:
    server: TestServer = await aiohttp_server(fake.app())
    return str(server.make_url("")).rstrip("/")


async def post(hub: Hub, push: tuple[str, bytes], account: str = "main") -> tuple[int, str]:
    query, body = push
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{hub.url}/webhooks/wechat/{account}?{query}", data=body, headers={"Content-Type": "text/xml"}) as r,
    ):
        return r.status, await r.text()


async def count(db: Database, model: Any) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_server_url_verification(hub: Hub) -> None:
    query, _ = plain_push("")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{hub.url}/webhooks/wechat/main?{query}&echostr=hello123") as r:
            assert r.status == 200 and await r.text() == "hello123"
        async with http.get(f"{hub.url}/webhooks/wechat/main?signature=bad&timestamp=1&nonce=2&echostr=x") as r:
            assert r.status == 403
        async with http.get(f"{hub.url}/webhooks/wechat/nosuch?{query}&echostr=x") as r:
            assert r.status == 404


async def test_chinese_text_becomes_ticket_and_retry_is_stored_once(hub: Hub, db: Database, admin_token: str) -> None:
    xml = text_xml("你好，我的订单8812还没有发货", msg_id=1001)
    assert await post(hub, plain_push(xml)) == (200, "success")
    assert await post(hub, plain_push(xml)) == (200, "success")  # WeChat retries within 15 s
    assert await count(db, Interaction) == 1
    headers = {"Authorization": f"Bearer {admin_token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.get(f"{hub.url}/api/v1/tickets?channel=wechat") as r:
            [ticket] = (await r.json())["tickets"]
        async with http.get(f"{hub.url}/api/v1/tickets/{ticket['id']}") as r:
            detail = await r.json()
    assert detail["interactions"][0]["text"] == "你好，我的订单8812还没有发货"
    assert detail["identities"] == [{"kind": "wechat", "value": IDENTITY}]


async def test_safe_mode_push_decrypts_to_the_same_result(hub: Hub, db: Database) -> None:
    assert await post(hub, safe_push(text_xml("加密消息 encrypted", msg_id=2002))) == (200, "success")
    async with db.read() as s:
        row = await s.scalar(select(Interaction))
        identity = await s.scalar(select(Identity.value))
    assert row is not None and row.text == "加密消息 encrypted" and identity == IDENTITY


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><MsgType>text</MsgType>"
    "<Content>&lol3;</Content><MsgId>1</MsgId></xml>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><MsgType>text</MsgType>"
    "<Content>&e;</Content><MsgId>2</MsgId></xml>"
)
QUADRATIC = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "' + "A" * 5000 + '">]><xml><C>' + "&a;" * 5000 + "</C></xml>"


@pytest.mark.parametrize(
    "body", [BILLION_LAUGHS, XXE, QUADRATIC, "<xml><Content>broken", "", "<notxml/>", "x" * 70_000]
)
async def test_hostile_or_broken_xml_is_400_and_nothing_stored(hub: Hub, db: Database, body: str) -> None:
    status, _ = await post(hub, plain_push(body))
    assert status == 400
    if body.startswith("<?xml"):
        status, _ = await post(hub, safe_push(body))  # the same inside a correctly encrypted envelope
        assert status == 400
    assert await count(db, Interaction) == 0 and await count(db, Customer) == 0


async def test_forged_signatures_are_403(hub: Hub, db: Database) -> None:
    xml = text_xml("forged")
    assert (await post(hub, plain_push(xml, token="not-the-token")))[0] == 403
    query, body = safe_push(xml)
    tampered = query.replace("msg_signature=", "msg_signature=0")
    assert (await post(hub, (tampered, body)))[0] == 403
    assert await count(db, Interaction) == 0


async def test_payload_encrypted_for_another_appid_is_refused(hub: Hub, db: Database) -> None:
    status, text = await post(hub, safe_push(text_xml("for someone else"), account=OTHER), account="main")
    assert status == 403 and "another AppID" in text  # an authentication failure, not a malformed request
    assert await count(db, Interaction) == 0


async def test_message_types_and_media(hub: Hub, db: Database, fake: FakeWeChat) -> None:
    pushes = [
        text_xml("", msg_type="image", extra="<PicUrl>http://x/p.jpg</PicUrl><MediaId>MEDIA_OK</MediaId>"),
        text_xml(
            "",
            msg_type="voice",
            extra="<MediaId>MEDIA_GONE</MediaId><Format>amr</Format><Recognition>我要退款</Recognition>",
        ),
        text_xml(
            "",
            msg_type="location",
            extra="<Location_X>39.9</Location_X><Location_Y>116.4</Location_Y>"
            "<Scale>15</Scale><Label>北京市朝阳区</Label>",
        ),
        text_xml(
            "",
            msg_type="link",
            extra="<Title>截图</Title><Description>看这里</Description><Url>https://shop.example.cn/o/1</Url>",
        ),
    ]
    for xml in pushes:
        assert await post(hub, plain_push(xml)) == (200, "success")
    for _ in range(100):  # media is fetched after the answer to WeChat
        async with db.read() as s:
            rows = list(await s.scalars(select(Interaction).order_by(Interaction.id)))
        if rows[0].attachments and rows[1].meta.get("warnings"):
            break
        await asyncio.sleep(0.05)
    image, voice, location, link = rows
    assert image.text == "[图片 image]" and image.attachments[0]["content_type"] == "image/jpeg"
    stored = await hub.app[keys.ATTACHMENTS].get(image.attachments[0]["storage_key"])
    assert stored == fake.media["MEDIA_OK"]
    assert voice.text == "我要退款" and "MEDIA_GONE" in voice.meta["warnings"][0]  # kept, with the reason
    assert location.text == "[位置 location] 北京市朝阳区 (39.9, 116.4)"
    assert link.text == "截图\n看这里\nhttps://shop.example.cn/o/1"
    assert len({r.ticket_id for r in rows}) == 1


async def test_subscribe_and_unsubscribe_change_consent_without_tickets(hub: Hub, db: Database) -> None:
    assert await post(hub, plain_push(event_xml("subscribe", "qrscene_spring"))) == (200, "success")
    assert await post(hub, plain_push(event_xml("unsubscribe"))) == (200, "success")
    assert await post(hub, plain_push(event_xml("VIEW", "https://x"))) == (200, "success")  # not a contact
    async with db.read() as s:
        customer = await s.scalar(select(Customer))
        kinds = list(await s.scalars(select(HistoryEntry.kind).order_by(HistoryEntry.id)))
    assert customer is not None and customer.attributes["consent"]["wechat"]["granted"] is False
    assert kinds == ["consent.granted", "consent.revoked"]
    assert await count(db, Ticket) == 0


async def test_menu_click_opens_ticket_in_the_mapped_queue(hub: Hub, db: Database, admin_token: str) -> None:
    created = int(time.time())  # a retry carries the same CreateTime: stored once
    assert await post(hub, plain_push(event_xml("CLICK", "MENU_BILLING", created=created))) == (200, "success")
    assert await post(hub, plain_push(event_xml("CLICK", "MENU_BILLING", created=created))) == (200, "success")
    headers = {"Authorization": f"Bearer {admin_token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.get(f"{hub.url}/api/v1/tickets?queue=billing") as r:
        [ticket] = (await r.json())["tickets"]
    assert ticket["tags"] == ["billing"] and "账单问题" in ticket["subject"]
    assert await count(db, Interaction) == 1


async def test_passive_auto_reply_plain_and_encrypted(settings: Any, aiohttp_server: Any) -> None:
    import dataclasses

    from wechatpy.crypto import WeChatCrypto

    from hub.app import create_app
    from hub.channels.wechat.xml import parse_flat

    account = dataclasses.replace(MAIN, auto_reply="收到，客服马上回复您")
    app = create_app(settings.with_channel("wechat", (account,)))
    server = await aiohttp_server(app)
    hub = Hub(server, app, settings)
    status, body = await post(hub, plain_push(text_xml("在吗")))
    reply = parse_flat(body)
    assert status == 200 and reply["Content"] == "收到，客服马上回复您" and reply["ToUserName"] == OPENID
    query, push_body = safe_push(text_xml("加密的在吗"))
    status, body = await post(hub, (query, push_body))
    outer = parse_flat(body)
    nonce = dict(p.split("=") for p in query.split("&"))["nonce"]
    crypto = WeChatCrypto(account.token, account.encoding_aes_key, account.appid)
    inner = crypto.decrypt_message({"Encrypt": outer["Encrypt"]}, outer["MsgSignature"], outer["TimeStamp"], nonce)
    assert status == 200 and parse_flat(inner)["Content"] == "收到，客服马上回复您"


async def reply(hub: Hub, token: str, ticket_id: int, text: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http,
        http.post(f"{hub.url}/api/v1/tickets/{ticket_id}/replies", json={"text": text}) as r,
    ):
        return r.status, await r.json()


async def wait_status(db: Database, interaction_id: int, *wanted: str) -> Interaction:
    for _ in range(100):
        async with db.read() as s:
            row = await s.get_one(Interaction, interaction_id)
        if row.delivery_status in wanted:
            return row
        await asyncio.sleep(0.05)
    raise AssertionError(f"delivery status stayed {row.delivery_status}")


async def test_agent_reply_reaches_the_api_with_a_valid_token(
    hub: Hub, db: Database, fake: FakeWeChat, admin_token: str
) -> None:
    await post(hub, plain_push(text_xml("请问运费多少")))
    async with db.read() as s:
        ticket_id = await s.scalar(select(Ticket.id))
    assert ticket_id is not None
    status, body = await reply(hub, admin_token, ticket_id, "运费是10元")
    assert status == 201
    await wait_status(db, body["interaction"]["id"], "sent")
    assert fake.sent[-1]["body"] == {"touser": OPENID, "msgtype": "text", "text": {"content": "运费是10元"}}
    assert fake.sent[-1]["token"] in fake.valid_tokens

    fake.expire_tokens()  # the cached token dies: hub fetches a new one and sends once more
    status, body = await reply(hub, admin_token, ticket_id, "还有其他问题吗？")
    await wait_status(db, body["interaction"]["id"], "sent")
    assert fake.tokens_issued == 2 and fake.sent[-1]["token"] == "ACCESS_2"

    fake.busy_once = True  # system busy: retried later, not failed
    status, body = await reply(hub, admin_token, ticket_id, "稍等")
    async with db.write() as uow:  # skip the backoff wait
        from hub.db.models import OutboxItem

        await uow.session.execute(update(OutboxItem).values(next_attempt_at=utcnow()))
    hub.app[keys.DELIVERY].wake()
    await wait_status(db, body["interaction"]["id"], "sent")

    fake.outside_window.add(OPENID)  # WeChat's own 48-hour check: a failure the agent can read
    status, body = await reply(hub, admin_token, ticket_id, "迟到的回复")
    row = await wait_status(db, body["interaction"]["id"], "failed")
    assert row.delivery_error and "48 hours" in row.delivery_error


async def test_reply_after_48_hours_is_refused_up_front(
    hub: Hub, db: Database, fake: FakeWeChat, admin_token: str
) -> None:
    await post(hub, plain_push(text_xml("很久以前的消息")))
    async with db.write() as uow:
        await uow.session.execute(update(Interaction).values(created_at=utcnow() - timedelta(hours=49)))
        ticket_id = await uow.session.scalar(select(Ticket.id))
    assert ticket_id is not None
    status, body = await reply(hub, admin_token, ticket_id, "您好")
    assert status == 422 and "48 hours" in body["error"]["message"]
    assert fake.sent == []


async def test_link_wechat_customer_to_known_email_customer(hub: Hub, db: Database, admin_token: str) -> None:
    from hub.envelopes import IdentityRef, InboundEnvelope

    await hub.app[keys.INGESTOR].ingest(
        InboundEnvelope(
            channel="email", external_id="<m1@example.cn>", sender=IdentityRef("email", "li.na@example.cn"), text="邮件"
        )
    )
    await post(hub, plain_push(text_xml("微信消息")))
    async with db.read() as s:
        wechat_customer = await s.scalar(select(Identity.customer_id).where(Identity.kind == "wechat"))
    headers = {"Authorization": f"Bearer {admin_token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        url = f"{hub.url}/api/v1/customers/{wechat_customer}/link"
        async with http.post(url, json={"kind": "email", "value": "Li.Na@example.cn"}) as r:
            assert r.status == 200
            target = (await r.json())["customer_id"]
        async with http.get(f"{hub.url}/api/v1/customers/{target}") as r:
            view = await r.json()
        async with http.post(url, json={"kind": "email", "value": "li.na@example.cn"}) as r:
            assert r.status == 409  # the source was merged already
        async with http.post(
            f"{hub.url}/api/v1/customers/{target}/link", json={"kind": "email", "value": "li.na@example.cn"}
        ) as r:
            assert r.status == 422
    assert {i["kind"] for i in view["customer"]["identities"]} == {"email", "wechat"}
    assert {h["channel"] for h in view["history"] if h["kind"] == "contact.inbound"} == {"email", "wechat"}
    async with db.read() as s:
        entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "customer.merged"))
    assert entry is not None and entry.details["source_id"] == wechat_customer


FIXTURES = {p.name: p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parent / "fixtures").glob("*.xml"))}


@pytest.mark.parametrize("name", FIXTURES)
@pytest.mark.parametrize("mode", ["plain", "safe"])
async def test_every_fixture_push_in_both_modes(hub: Hub, db: Database, name: str, mode: str) -> None:
    # As WeChat would send it now: CreateTime is when the customer wrote, and old pushes are replays.
    xml = re.sub(r"<CreateTime>\d+</CreateTime>", f"<CreateTime>{int(time.time())}</CreateTime>", FIXTURES[name])
    status, text = await post(hub, plain_push(xml) if mode == "plain" else safe_push(xml))
    if name.startswith("rejected-"):
        assert status == 400 and await count(db, Interaction) == 0
        return
    assert (status, text) == (200, "success")
    again = await post(hub, plain_push(xml) if mode == "plain" else safe_push(xml))
    assert again == (200, "success")
    assert await count(db, Interaction) == 1
    async with db.read() as s:
        row = await s.scalar(select(Interaction))
    assert row is not None and row.text and row.meta["account"] == "main"


async def test_unionid_becomes_a_second_identity(hub: Hub, db: Database) -> None:
    xml = text_xml("有 unionid", extra="<UnionId>uUNION_42</UnionId>")
    assert await post(hub, plain_push(xml)) == (200, "success")
    async with db.read() as s:
        identities = sorted((k, v) for k, v in (await s.execute(select(Identity.kind, Identity.value))).all())
    assert identities == [("wechat", IDENTITY), ("wechat.unionid", "uUNION_42")]
