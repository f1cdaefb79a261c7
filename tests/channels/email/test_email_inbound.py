"""Mail as real clients send it, through a running hub: broken senders, Chinese headers under narrow labels,
forwarded mail, inline images in the console, and routing from what the customer wrote."""

from __future__ import annotations

import email
import re
from collections.abc import AsyncIterator
from email import policy
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from hub.app import EMAIL
from hub.channels.email.config import email_config
from hub.db.engine import Database
from hub.db.models import Customer, Identity, Interaction, OutboxItem, Ticket
from hub.settings import Settings
from tests.conftest import make_token
from tests.console_kit import console
from tests.mail_kit import MailHub, call_api, started_mail_hub
from tests.waiting import until

CORPUS = Path(__file__).parent / "fixtures"


@pytest.fixture
async def mail_hub(settings: Settings, aiohttp_server: Any) -> AsyncIterator[MailHub]:
    async with started_mail_hub(settings, aiohttp_server) as started:
        yield started


async def only_ticket(db: Database) -> tuple[Ticket, Customer, list[Interaction]]:
    async with db.read() as s:
        ticket = (await s.scalars(select(Ticket))).one()
        customer = await s.get_one(Customer, ticket.customer_id)
        query = select(Interaction).where(Interaction.ticket_id == ticket.id).order_by(Interaction.id)
        return ticket, customer, list(await s.scalars(query))


async def identities(db: Database) -> list[str]:
    async with db.read() as s:
        return sorted(await s.scalars(select(Identity.value).where(Identity.kind == "email")))


def without(raw: bytes, *headers: bytes) -> bytes:
    return b"\n".join(line for line in raw.split(b"\n") if not line.startswith(headers))


async def test_a_broken_from_falls_back_to_the_envelope_sender(mail_hub: MailHub, db: Database) -> None:
    raw = without((CORPUS / "from_display_name_only.eml").read_bytes(), b"Return-Path:", b"Sender:")
    await mail_hub.send(raw, sender="orders@shop.example.com")
    _, customer, lines = await only_ticket(db)
    assert await identities(db) == ["orders@shop.example.com"] and customer.display_name == "Customer Service Desk"
    assert "the sender is taken from the envelope sender (MAIL FROM)" in lines[0].meta["warnings"][0]
    ack = await mail_hub.relay.next()
    assert ack["To"] == "orders@shop.example.com"


async def test_imap_mail_with_a_broken_from_uses_its_headers(mail_hub: MailHub, db: Database) -> None:
    """IMAP has no envelope: Return-Path, Sender, Reply-To are read in that order."""
    intake = mail_hub.hub.app[EMAIL].intake
    box = email_config(mail_hub.hub.settings).mailboxes[0]
    for name in ("from_no_domain.eml", "from_two_addresses.eml", "from_unterminated_bracket.eml"):
        await intake.receive((CORPUS / name).read_bytes(), box)
    assert await identities(db) == ["ana@example.es", "lisi_work@example.com.cn", "zhang.wei@example.cn"]
    async with db.read() as s:
        names = set(await s.scalars(select(Customer.display_name)))
    assert {"李四", "张伟"} <= names


async def test_nothing_is_sent_to_an_address_that_does_not_parse(mail_hub: MailHub, db: Database) -> None:
    intake = mail_hub.hub.app[EMAIL].intake
    await intake.receive(
        (CORPUS / "malformed_headers.eml").read_bytes(), email_config(mail_hub.hub.settings).mailboxes[0]
    )
    ticket, _, lines = await only_ticket(db)
    assert lines[0].meta["warnings"][0].startswith("From is malformed") and len(lines) == 1  # no acknowledgement
    token = await make_token(db, "agent")
    status, _ = await call_api(mail_hub.hub, token, "POST", f"/api/v1/tickets/{ticket.id}/replies", json={"text": "Hi"})
    assert status == 201

    async def refused() -> bool:
        async with db.read() as s:
            return (await s.scalars(select(OutboxItem))).one().status == "failed"

    await until(refused)
    async with db.read() as s:
        item = (await s.scalars(select(OutboxItem))).one()
        sent = (await s.scalars(select(Interaction).where(Interaction.direction == "outbound"))).one()
    assert item.attempts == 1 and sent.delivery_status == "failed"  # permanent: never retried
    assert "is not an email address" in (sent.delivery_error or "")
    assert mail_hub.relay.mails.empty()


@pytest.mark.parametrize(
    ("fixture", "subject", "name", "files"),
    [
        (
            "headers_gb2312_label_gbk_chars.eml",
            "镕基路店退款：王堃",
            "王堃",
            ["王堃的退款申请.pdf", "镕基路门店照片.jpg"],
        ),
        ("headers_big5_hkscs.eml", "訂單退款 深水埗店", "陳大文", []),
        ("headers_utf8_label_gbk_bytes.eml", "会员积分没有到账", "孙丽", []),
    ],
)
async def test_chinese_headers_read_right_in_ticket_customer_and_acknowledgement(
    mail_hub: MailHub, db: Database, fixture: str, subject: str, name: str, files: list[str]
) -> None:
    await mail_hub.send((CORPUS / fixture).read_bytes())
    ticket, customer, lines = await only_ticket(db)
    assert ticket.subject == subject and customer.display_name == name
    assert [a["filename"] for a in lines[0].attachments] == files
    ack = await mail_hub.relay.next()
    assert ack["Subject"] == f"Re: {subject} [#{ticket.id}]" and "\ufffd" not in str(ack["Subject"])


async def test_a_mail_forwarded_as_an_attachment_is_kept_whole(mail_hub: MailHub, db: Database) -> None:
    await mail_hub.send((CORPUS / "forward_outlook_attachment.eml").read_bytes())
    ticket, _, lines = await only_ticket(db)
    mail = lines[0]
    assert mail.text.startswith("Hi, the courier says") and "门卫" not in mail.text  # not run into Mark's words
    [forwarded] = mail.meta["forwarded"]
    assert forwarded["sender"] == "顺达物流客服 <service@supplier.example.cn>"
    assert forwarded["subject"] == "您的包裹已签收 - 运单 SF1234567890" and "由门卫代签收" in forwarded["text"]
    async with console(mail_hub.hub, db, "wang@example.test") as c:
        async with c.http.get(f"{mail_hub.hub.url}/api/v1/attachments/{forwarded['storage_key']}") as r:
            original = email.message_from_bytes(await r.read(), policy=policy.default)
        assert original["Message-ID"] == "<20261127162011.77321@supplier.example.cn>"
        status, seen = await c.api("GET", f"/api/v1/console/tickets/{ticket.id}")  # what the workspace draws
    assert status == 200 and seen["interactions"][0]["meta"]["forwarded"][0]["subject"] == forwarded["subject"]


async def test_an_inline_forward_is_shown_not_thrown_away(mail_hub: MailHub, db: Database) -> None:
    await mail_hub.send((CORPUS / "forward_qq_inline_gbk.eml").read_bytes())
    _, _, lines = await only_ticket(db)
    assert lines[0].text == "这个订单我付了两次款，麻烦退一笔。" and not lines[0].meta["quoted"]
    [forwarded] = lines[0].meta["forwarded"]
    assert forwarded["subject"] == "订单确认 #5590" and "已支付成功" in forwarded["text"]


async def test_inline_images_show_inside_the_message(mail_hub: MailHub, db: Database) -> None:
    await mail_hub.send((CORPUS / "inline_images_outlook.eml").read_bytes())
    ticket, _, lines = await only_ticket(db)
    images = lines[0].meta["cid"]
    assert sorted(images) == ["image001.png@01DB4312.5A6B7C80", "image002.png@01DB4312.5A6B7C80"]
    async with console(mail_hub.hub, db, "li@example.test") as c:
        _, seen = await c.api("GET", f"/api/v1/console/tickets/{ticket.id}")  # framed from /console/messages/…/mail
        assert seen["interactions"][0]["id"] == lines[0].id and seen["interactions"][0]["html"]
        async with c.http.get(f"{mail_hub.hub.url}/console/messages/{lines[0].id}/mail") as r:
            view = await r.text()
            assert "script-src" not in r.headers["Content-Security-Policy"]  # default-src 'none': nothing runs
            assert r.headers["Content-Security-Policy"].startswith("default-src 'none'; img-src 'self'")
        sources = re.findall(r'<img[^>]*src="([^"]+)"', view)
        assert sources == [f"/api/v1/attachments/{images[cid]}" for cid in sorted(images)]
        assert "tracker.example.net" not in view and "cid:" not in view and "<style" not in view
        async with c.http.get(mail_hub.hub.url + sources[0]) as r:
            assert r.status == 200 and (await r.read()).startswith(b"\x89PNG")
    async with aiohttp.ClientSession() as anonymous:
        async with anonymous.get(mail_hub.hub.url + sources[0]) as r:
            assert r.status == 401
        async with anonymous.get(f"{mail_hub.hub.url}/console/messages/{lines[0].id}/mail", allow_redirects=False) as r:
            assert r.status == 302


async def test_routing_reads_the_body_not_only_the_subject(mail_hub: MailHub, db: Database) -> None:
    raw = (
        "From: Zhou Min <zhoumin@example.cn>\r\nTo: support@hub.test\r\nSubject: Question\r\n"
        "Message-ID: <q-zh@example.cn>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "我要退款，订单 8812。\r\n\r\n在 2026年11月20日，Support 写道：\r\n> 请问有什么可以帮您？账单 invoice\r\n"
    ).encode()
    await mail_hub.send(raw)

    async def routed() -> bool:
        async with db.read() as s:
            return "skills" in (await s.scalars(select(Ticket))).one().requirements

    await until(routed)
    ticket, _, _ = await only_ticket(db)
    assert ticket.requirements["skills"] == {"refunds": 2} and ticket.requirements["language"] == "zh"
