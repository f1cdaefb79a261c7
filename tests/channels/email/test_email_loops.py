"""Automatic mail and delivery reports through real SMTP: never a ticket, never answered, recorded where they belong."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hub.app import EMAIL
from hub.db.engine import Database
from hub.db.models import Customer, HistoryEntry, Identity, Interaction, MailNotice, Ticket
from hub.settings import Settings
from tests.conftest import make_token
from tests.mail_kit import MailHub, call_api, started_mail_hub
from tests.waiting import until

CORPUS = Path(__file__).parent / "fixtures"
AUTOMATIC = (
    "oof_exchange_en.eml",
    "oof_outlook_zh.eml",
    "oof_gmail.eml",
    "oof_qq_gbk.eml",
    "oof_163_gbk.eml",
    "oof_exchange2003_subject_only.eml",
    "newsletter_list_unsubscribe.eml",
    "list_mail.eml",
    "autoreply.eml",
)


@pytest.fixture
async def mail_hub(settings: Settings, aiohttp_server: Any) -> AsyncIterator[MailHub]:
    async with started_mail_hub(settings, aiohttp_server) as started:
        yield started


async def count(db: Database, model: Any) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def rows(db: Database, ticket_id: int) -> list[Interaction]:
    async with db.read() as s:
        query = select(Interaction).where(Interaction.ticket_id == ticket_id).order_by(Interaction.id)
        return list(await s.scalars(query))


async def sent_reply(mail_hub: MailHub, db: Database, ticket_id: int, text: str) -> str:
    """An agent's reply, as the relay received it and the outbox recorded it: its Message-ID."""
    token = await make_token(db, "agent")
    path = f"/api/v1/tickets/{ticket_id}/replies"
    status, body = await call_api(mail_hub.hub, token, "POST", path, json={"text": text})
    assert status == 201, body
    out = await mail_hub.relay.next()

    async def recorded() -> bool:
        return any(
            r.external_id == out["Message-ID"] and r.delivery_status == "sent" for r in await rows(db, ticket_id)
        )

    await until(recorded)
    return str(out["Message-ID"])


def customer_mail(sender: str, subject: str, text: str, message_id: str) -> bytes:
    return (
        f"From: {sender}\r\nTo: support@hub.test\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
    ).encode()


async def test_automatic_mail_of_every_kind_is_a_notice_never_a_ticket(mail_hub: MailHub, db: Database) -> None:
    for name in AUTOMATIC:
        await mail_hub.send((CORPUS / name).read_bytes())
        await mail_hub.send((CORPUS / name).read_bytes())  # the sending server tries again: stored once
    assert await count(db, Ticket) == 0 and await count(db, Interaction) == 0 and await count(db, Customer) == 0
    assert await count(db, MailNotice) == len(AUTOMATIC)
    token = await make_token(db, "agent")
    _, body = await call_api(mail_hub.hub, token, "GET", "/api/v1/mail/notices", params={"kind": "automatic"})
    notices = body["notices"]
    status, _ = await call_api(mail_hub.hub, token, "GET", "/api/v1/mail/notices", params={"kind": "nonsense"})
    assert status == 400
    by_subject = {n["subject"]: n for n in notices}
    assert by_subject["自动回复: 我的订单什么时候发货"]["text"].startswith("这是来自QQ邮箱的假期自动回复邮件")
    assert by_subject["自动回复：咨询退款进度"]["sender"] == "zhaolei_1988@163.com"
    assert "X-Auto-Response-Suppress" in by_subject["自动答复: 回复: 发票抬头写错了 [#12]"]["reason"]
    assert mail_hub.relay.mails.empty()  # nothing answered: no acknowledgement was queued for any of them


async def test_out_of_office_answer_to_a_survey_leaves_the_solved_ticket_alone(mail_hub: MailHub, db: Database) -> None:
    hub = mail_hub.hub
    sender = "daniel.fischer@contoso.com"
    await mail_hub.send(customer_mail(sender, "Refund for order 5521", "Where is my refund?", "<q-1@contoso.com>"))
    await mail_hub.relay.next()  # the acknowledgement
    async with db.read() as s:
        ticket = (await s.scalars(select(Ticket))).one()
    await sent_reply(mail_hub, db, ticket.id, "The refund went out today.")
    token = await make_token(db, "agent")
    status, body = await call_api(hub, token, "PATCH", f"/api/v1/tickets/{ticket.id}", json={"status": "solved"})
    assert status == 200, body
    survey = await mail_hub.relay.next()
    assert "How did we do" in str(survey.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    async with db.read() as s:
        solved = await s.get_one(Ticket, ticket.id)
        history_before = await s.scalar(select(func.count()).select_from(HistoryEntry))
    before = await rows(db, ticket.id)

    oof = (CORPUS / "oof_exchange_en.eml").read_bytes()
    oof = oof.replace(b"<reply-41.12@hub.test>", survey["Message-ID"].encode()).replace(b"[#12]", b"")
    await mail_hub.send(oof, sender=sender)
    await mail_hub.send(oof, sender=sender)

    after = await rows(db, ticket.id)
    assert len(after) == len(before) + 1  # one quiet line, however often it is delivered
    line = after[-1]
    assert line.direction == "system" and line.meta["automatic"] == "Auto-Submitted: auto-generated"
    assert line.text.startswith("I am out of the office until Monday 7 December")
    async with db.read() as s:
        still = await s.get_one(Ticket, ticket.id)
        assert await s.scalar(select(func.count()).select_from(Ticket)) == 1
        assert await s.scalar(select(func.count()).select_from(HistoryEntry)) == history_before
    assert (still.status, still.solved_at, still.last_message_at) == (
        "solved",
        solved.solved_at,
        solved.last_message_at,
    )
    assert (still.assignee_id, still.first_response_due_at) == (solved.assignee_id, solved.first_response_due_at)
    assert not [r for r in after[len(before) :] if r.direction == "outbound"]  # no acknowledgement, no survey
    assert mail_hub.relay.mails.empty()


async def test_a_chinese_auto_reply_lands_quietly_on_the_ticket_its_subject_names(
    mail_hub: MailHub, db: Database
) -> None:
    sender = "liu.dehua@example.com.cn"
    await mail_hub.send(customer_mail(sender, "Invoice title", "The invoice title is wrong.", "<cn-q@example.com.cn>"))
    async with db.read() as s:
        ticket = (await s.scalars(select(Ticket))).one()
    oof = (CORPUS / "oof_outlook_zh.eml").read_bytes().replace(b"<reply-42.12@hub.test>", b"<unknown@elsewhere>")
    # The subject carries the token of the ticket ("[#12]" in the fixture): point it at this one.
    oof = oof.replace(b"Subject: =?gb2312?B?", b"Subject: [#" + str(ticket.id).encode() + b"] =?gb2312?B?")
    await mail_hub.send(oof, sender=sender)
    line = (await rows(db, ticket.id))[-1]
    assert line.direction == "system" and "休假" in line.text and line.meta["automatic"].startswith("X-Auto-Response")
    # The same auto-reply from a stranger's address names no ticket of theirs: a notice.
    stranger = oof.replace(sender.encode(), b"someone.else@example.com.cn").replace(b"EXCN01", b"EXCN02")
    await mail_hub.send(stranger, sender="someone.else@example.com.cn")
    assert await count(db, MailNotice) == 1 and len(await rows(db, ticket.id)) == 3  # mail, ack, quiet line


@pytest.mark.parametrize(
    ("fixture", "reason"),
    [
        ("bounce_postfix_dsn.eml", "maria.gonzalez@example.org: 550 5.1.1"),
        ("bounce_exim_plain.eml", "k.nakamura@example.net: mailbox is full"),
        ("bounce_o365_ndr.eml", "550 5.1.10 RESOLVER.ADR.RecipientNotFound"),
        ("bounce_qq_gbk.eml", "该用户不存在 (550 Mailbox not found"),
    ],
)
async def test_a_bounce_fails_the_reply_it_reports(mail_hub: MailHub, db: Database, fixture: str, reason: str) -> None:
    await mail_hub.send(customer_mail("ann@example.com", "Refund", "Where is it?", "<ann-1@example.com>"))
    await mail_hub.relay.next()
    async with db.read() as s:
        ticket = (await s.scalars(select(Ticket))).one()
    message_id = await sent_reply(mail_hub, db, ticket.id, "The refund is on its way.")
    report = (CORPUS / fixture).read_bytes().replace(b"<reply-41.7@hub.test>", message_id.encode())
    await mail_hub.send(report, sender="")  # MAIL FROM:<>, as delivery reports come
    await mail_hub.send(report, sender="")  # and again: recorded once
    lines = await rows(db, ticket.id)
    ours = next(r for r in lines if r.external_id == message_id)
    assert ours.delivery_status == "failed" and reason in (ours.delivery_error or ""), ours.delivery_error
    assert lines[-1].direction == "system" and lines[-1].meta["bounce_of"] == message_id
    assert lines[-1].text.startswith("Delivery failed: ") and len(lines) == 4  # mail, ack, reply, report
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(Ticket)) == 1
        daemons = select(func.count()).select_from(Identity).where(Identity.value.not_like("ann@%"))
        assert await s.scalar(daemons) == 0  # no customer called mailer-daemon or postmaster

    # A late "sent" cannot move a failed reply back (the one state machine: delivery.record_delivery).
    async with db.read() as s:
        assert (await s.get_one(Interaction, ours.id)).delivery_status == "failed"


async def test_a_delay_report_is_noted_without_failing_the_reply(mail_hub: MailHub, db: Database) -> None:
    await mail_hub.send(customer_mail("chen.li@example.com.cn", "发货", "什么时候发货？", "<chen-1@example.com.cn>"))
    await mail_hub.relay.next()
    async with db.read() as s:
        ticket = (await s.scalars(select(Ticket))).one()
    message_id = await sent_reply(mail_hub, db, ticket.id, "明天发货。")
    report = (CORPUS / "bounce_gmail_delay.eml").read_bytes().replace(b"<reply-41.7@hub.test>", message_id.encode())
    await mail_hub.send(report, sender="")
    lines = await rows(db, ticket.id)
    assert next(r for r in lines if r.external_id == message_id).delivery_status == "sent"
    assert lines[-1].text.startswith("Delivery delayed: chen.li@example.com.cn: 421 4.7.0")


async def test_reports_about_no_mail_of_ours_are_notices(mail_hub: MailHub, db: Database) -> None:
    for name in ("bounce_163_unmatched.eml", "bounce_backscatter.eml", "bounce_postfix_dsn.eml"):
        await mail_hub.send((CORPUS / name).read_bytes(), sender="")
    assert await count(db, Ticket) == 0 and await count(db, Customer) == 0
    token = await make_token(db, "agent")
    _, body = await call_api(mail_hub.hub, token, "GET", "/api/v1/mail/notices", params={"kind": "bounce"})
    notices = body["notices"]
    assert {n["subject"] for n in notices} == {"系统退信", "Undelivered Mail Returned to Sender"}
    assert len(notices) == 3
    coremail = next(n for n in notices if n["subject"] == "系统退信")
    assert coremail["reason"].startswith("收件人邮箱空间已满 (552") and coremail["report"]["action"] == "failed"


async def test_notices_are_kept_as_long_as_raw_mail(mail_hub: MailHub, db: Database) -> None:
    for name in ("autoreply.eml", "bounce_backscatter.eml"):
        await mail_hub.send((CORPUS / name).read_bytes(), sender="")
    async with db.write() as uow:
        old = (await uow.session.scalars(select(MailNotice).where(MailNotice.kind == "bounce"))).one()
        old.received_at = old.received_at - timedelta(days=31)
    notices = mail_hub.hub.app[EMAIL].intake.notices
    assert await notices.purge(30) == 1
    async with db.read() as s:
        assert [n.kind for n in await s.scalars(select(MailNotice))] == ["automatic"]
