"""A reply with an article's full answer in Markdown: what the customer receives on SMS, WeChat and e-mail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from hub.db.engine import Database
from hub.markup import markdown_html, markdown_text
from tests.conftest import Hub, make_token
from tests.console_kit import contact
from tests.mail_kit import call_api, started_mail_hub
from tests.twilio_kit import CUSTOMER, FakeTwilio
from tests.waiting import until
from tests.wechat_kit import MAIN, OPENID, FakeWeChat

BODY = "进入**我的订单**，选择订单后点击*申请退款*：\n\n1. 选择原因\n2. 提交 [退款说明](https://shop.example/refund)"
SHORT = "在“我的订单-申请退款”提交，3-5个工作日原路退回。"
PLAIN = "进入我的订单，选择订单后点击申请退款：\n\n1. 选择原因\n2. 提交 退款说明 (https://shop.example/refund)"
LONG = "## 退款须知\n\n" + "\n\n".join(f"第{n}条：**审核通过后**，款项原路退回，请耐心等待。" for n in range(120))


async def articles(hub: Hub, db: Database) -> dict[str, int]:
    """Two published articles: one that fits a text message, one far too long for one."""
    km = await make_token(db, "knowledge_manager")
    rows = [
        {"key": "refund", "locale": "zh-CN", "category": "billing", "title": "申请退款", "short_answer": SHORT,
         "body": BODY},
        {"key": "rules", "locale": "zh-CN", "category": "billing", "title": "退款须知", "short_answer": SHORT,
         "body": LONG},
    ]  # fmt: skip
    status, body = await call_api(hub, km, "POST", "/api/v1/knowledge/import?publish=1", json=rows)
    assert status == 201, body
    return dict(zip(("refund", "rules"), body["imported"], strict=True))


def count(sent: list[Any], n: int) -> Callable[[], Any]:
    """An awaitable check for `until`: the fake API has received n messages."""

    async def check() -> bool:
        return len(sent) >= n

    return check


async def send(hub: Hub, db: Database, ticket_id: int, text: str, article: int) -> dict[str, Any]:
    admin = await make_token(db, "admin")
    body = {"text": text, "format": "markdown", "articles": [article]}
    status, answer = await call_api(hub, admin, "POST", f"/api/v1/tickets/{ticket_id}/replies", json=body)
    assert status == 201, answer
    return dict(answer["interaction"])


def test_plain_text_is_read_from_the_rendered_tree() -> None:
    assert markdown_text(BODY) == PLAIN
    assert markdown_text("# 标题\n\n- a\n  - b\n\n> quoted\n\n`x*y`") == "标题\n\n• a\n  • b\n\n  quoted\n\nx*y"
    html = markdown_html(BODY + "\n\n<script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>我的订单</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html and 'href="javascript' not in html


async def test_sms_gets_plain_text_and_the_short_answer_when_the_full_one_is_too_long(
    twilio_hub: Hub, fake_twilio: FakeTwilio, db: Database
) -> None:
    ids = await articles(twilio_hub, db)
    ticket_id = await contact(twilio_hub, "怎么退款", who=CUSTOMER, kind="phone", channel="sms.twilio")
    stored = await send(twilio_hub, db, ticket_id, "您好！\n\n" + BODY, ids["refund"])
    assert stored["text"] == "您好！\n\n" + PLAIN  # what the agent sees is what was sent
    await until(count(fake_twilio.sent, 1))
    assert fake_twilio.sent[0]["Body"] == "您好！\n\n" + PLAIN
    await send(twilio_hub, db, ticket_id, "您好！\n\n" + LONG, ids["rules"])
    await until(count(fake_twilio.sent, 2))
    assert fake_twilio.sent[1]["Body"] == "您好！\n\n" + SHORT


@pytest.fixture
def fake() -> FakeWeChat:
    return FakeWeChat()


@pytest.fixture
async def wechat_api_base(fake: FakeWeChat, aiohttp_server: Callable[..., Any]) -> str:
    server: TestServer = await aiohttp_server(fake.app())
    return str(server.make_url("")).rstrip("/")


async def test_wechat_gets_plain_text_and_the_short_answer_when_the_full_one_is_too_long(
    hub: Hub, fake: FakeWeChat, db: Database
) -> None:
    ids = await articles(hub, db)
    who = f"{MAIN.appid}:{OPENID}"
    ticket_id = await contact(hub, "退款多久到账", who=who, kind="wechat", channel="wechat")
    await send(hub, db, ticket_id, BODY, ids["refund"])
    await until(count(fake.sent, 1))
    assert fake.sent[0]["body"]["text"]["content"] == PLAIN
    await send(hub, db, ticket_id, LONG, ids["rules"])
    await until(count(fake.sent, 2))
    assert fake.sent[1]["body"]["text"]["content"] == SHORT


async def test_email_gets_html_with_a_plain_text_alternative(settings: Any, aiohttp_server: Any, db: Database) -> None:
    async with started_mail_hub(settings, aiohttp_server) as mail:
        ids = await articles(mail.hub, db)
        ticket_id = await contact(mail.hub, "How do I get a refund?", who="li.lei@example.com")
        await send(mail.hub, db, ticket_id, "Hello,\n\n" + BODY, ids["refund"])
        sent = await mail.relay.next()
    plain, html = sent.get_body(("plain",)), sent.get_body(("html",))
    assert plain is not None and html is not None
    words = plain.get_content().replace("\r\n", "\n")
    assert words.startswith("Hello,\n\n" + PLAIN + "\n\n-- \n") and "**" not in words
    rich = html.get_content()
    assert "<strong>我的订单</strong>" in rich and "<ol>" in rich and "**" not in rich
    assert '<a href="https://shop.example/refund" rel="noopener noreferrer">退款说明</a>' in rich
