"""What the composer's Markdown toolbar writes (bold, italic, lists, a link, a quote, code) reaches each channel as
it can show it: rendered on web chat and e-mail (with a plain alternative), plain words on SMS and WeChat."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from hub.db.engine import Database
from tests.conftest import Hub, make_token
from tests.console_kit import contact
from tests.mail_kit import call_api, started_mail_hub
from tests.sockets import visitor
from tests.twilio_kit import CUSTOMER, FakeTwilio
from tests.waiting import until
from tests.wechat_kit import MAIN, OPENID, FakeWeChat

# As the toolbar marks a reply up: Ctrl+B, Ctrl+I, the list buttons on lines, Ctrl+K on words, quote, code.
TOOLBAR = (
    "您好，**退款已受理**，_请留意短信_。\n"
    "- 选择原因\n"
    "- 提交申请\n\n"
    "1. 审核\n"
    "2. 原路退回\n\n"
    "详见 [退款说明](https://shop.example/refund)\n"
    "> 您的原话\n\n"
    "订单号 `88231`"
)
PLAIN = (
    "您好，退款已受理，请留意短信。\n\n"
    "• 选择原因\n"
    "• 提交申请\n\n"
    "1. 审核\n"
    "2. 原路退回\n\n"
    "详见 退款说明 (https://shop.example/refund)\n\n"
    "  您的原话\n\n"
    "订单号 88231"
)
RICH = (
    "<strong>退款已受理</strong>",
    "<em>请留意短信</em>",
    "<ul>\n<li>选择原因</li>\n<li>提交申请</li>\n</ul>",
    "<ol>\n<li>审核</li>\n<li>原路退回</li>\n</ol>",
    '<a href="https://shop.example/refund" rel="noopener noreferrer">退款说明</a>',
    "<blockquote>",
    "<code>88231</code>",
)


async def reply(hub: Hub, db: Database, ticket_id: int, text: str = TOOLBAR) -> dict[str, Any]:
    admin = await make_token(db, "admin")
    body = {"text": text, "format": "markdown"}
    status, answer = await call_api(hub, admin, "POST", f"/api/v1/tickets/{ticket_id}/replies", json=body)
    assert status == 201, answer
    return dict(answer["interaction"])


def count(sent: list[Any], n: int) -> Callable[[], Any]:
    async def check() -> bool:
        return len(sent) >= n

    return check


def plain_only(text: str) -> None:
    """No Markdown mark and no tag is left in what a text-only channel shows."""
    assert not any(mark in text for mark in ("**", "_请", "](", "`", "<", "\n- ", "\n> "))


async def test_web_chat_gets_the_rendered_reply_and_its_plain_words(hub: Hub, db: Database) -> None:
    guest = await visitor(hub.url)
    await guest.next("session", timeout=30)
    # Generous bounds: the hub's warm-up thread may hold a busy machine's only free core for seconds.
    ack = await guest.call("message", {"text": "我要退款"}, timeout=30)
    stored = await reply(hub, db, ack["ticket_id"])
    assert stored["text"] == PLAIN  # what the agent and the history see
    pushed = await guest.next_matching("message", lambda e: e.get("direction") == "outbound", timeout=30)
    assert pushed["text"] == PLAIN
    assert all(part in pushed["html"] for part in RICH) and "**" not in pushed["html"]
    await guest.close()


async def test_email_gets_html_and_a_plain_alternative(settings: Any, aiohttp_server: Any, db: Database) -> None:
    async with started_mail_hub(settings, aiohttp_server) as mail:
        ticket_id = await contact(mail.hub, "How do I get a refund?", who="li.lei@example.com")
        await reply(mail.hub, db, ticket_id)
        sent = await mail.relay.next()
    plain, html = sent.get_body(("plain",)), sent.get_body(("html",))
    assert plain is not None and html is not None
    words = plain.get_content().replace("\r\n", "\n")
    assert words.startswith(PLAIN + "\n\n-- \n")
    plain_only(words.split("\n\n-- \n")[0])
    rich = html.get_content().replace("\r\n", "\n")
    assert all(part in rich for part in RICH) and "**" not in rich


async def test_sms_gets_plain_words(twilio_hub: Hub, fake_twilio: FakeTwilio, db: Database) -> None:
    ticket_id = await contact(twilio_hub, "怎么退款", who=CUSTOMER, kind="phone", channel="sms.twilio")
    short = "**已受理**\n- 审核\n- 退回\n\n[说明](https://shop.example/r)"
    stored = await reply(twilio_hub, db, ticket_id, short)
    assert stored["text"] == "已受理\n\n• 审核\n• 退回\n\n说明 (https://shop.example/r)"
    await until(count(fake_twilio.sent, 1))
    assert fake_twilio.sent[0]["Body"] == stored["text"]
    plain_only(fake_twilio.sent[0]["Body"])


@pytest.fixture
def fake() -> FakeWeChat:
    return FakeWeChat()


@pytest.fixture
async def wechat_api_base(fake: FakeWeChat, aiohttp_server: Callable[..., Any]) -> str:
    server: TestServer = await aiohttp_server(fake.app())
    return str(server.make_url("")).rstrip("/")


async def test_wechat_gets_plain_words(hub: Hub, fake: FakeWeChat, db: Database) -> None:
    ticket_id = await contact(hub, "退款多久到账", who=f"{MAIN.appid}:{OPENID}", kind="wechat", channel="wechat")
    await reply(hub, db, ticket_id)
    await until(count(fake.sent, 1))
    content = fake.sent[0]["body"]["text"]["content"]
    assert content == PLAIN
    plain_only(content)
