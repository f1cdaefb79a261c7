"""Customer privacy: export, erasure that keeps anonymous figures, audits of who looked, logs without PII."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from hub import keys
from hub.db.engine import Database
from hub.db.models import AuditEntry, Customer, HistoryEntry, Identity, Interaction, Ticket
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.ops.log_redaction import RedactingFilter, redact
from hub.tickets.inbound import add_attachments
from tests.conftest import Hub, make_token


async def call(hub: Hub, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        data = await r.json()
        return r.status, data["error"]["message"] if r.status >= 400 else data


async def customer_with_history(hub: Hub) -> tuple[int, int, str]:
    ingest = hub.app[keys.INGESTOR]
    sender = IdentityRef("email", "li.na@example.cn")
    envelope = InboundEnvelope(
        channel="email", external_id="<p1@x>", text="我的地址是北京市海淀区1号", sender=sender, sender_name="李娜"
    )
    first = await ingest.ingest(envelope)
    files = hub.app[keys.ATTACHMENTS]
    stored = await files.put(b"%PDF-1.4 id card scan", "id.pdf", "application/pdf")
    await add_attachments(hub.app[keys.DB], first.interaction.id, [stored])
    return first.ticket.customer_id, first.ticket.id, stored.storage_key


async def test_export_holds_everything_and_is_audited(hub: Hub, db: Database) -> None:
    customer_id, ticket_id, _key = await customer_with_history(hub)
    supervisor, agent = await make_token(db, "supervisor"), await make_token(db, "agent")
    assert (await call(hub, agent, "GET", f"/api/v1/customers/{customer_id}/export"))[0] == 403
    status, data = await call(hub, supervisor, "GET", f"/api/v1/customers/{customer_id}/export")
    assert status == 200 and data["customer"]["name"] == "李娜"
    assert data["identities"][0]["value"] == "li.na@example.cn"
    assert data["tickets"][0]["id"] == ticket_id and "北京市海淀区" in data["messages"][0]["text"]
    assert data["messages"][0]["attachments"][0]["filename"] == "id.pdf" and data["history"]
    await call(hub, agent, "GET", f"/api/v1/customers/{customer_id}")
    async with db.read() as s:
        actions = list(await s.scalars(select(AuditEntry.action).where(AuditEntry.target_id == customer_id)))
    assert "customer.exported" in actions and "customer.viewed" in actions


async def test_erasure_asks_first_then_removes_personal_data_and_keeps_figures(hub: Hub, db: Database) -> None:
    customer_id, ticket_id, key = await customer_with_history(hub)
    supervisor = await make_token(db, "supervisor")
    status, message = await call(hub, supervisor, "POST", f"/api/v1/customers/{customer_id}/erase", {})
    assert status == 409 and "1 open ticket" in message  # never half-done: nothing changed
    async with db.read() as s:
        assert (await s.get_one(Customer, customer_id)).display_name == "李娜"
    status, done = await call(hub, supervisor, "POST", f"/api/v1/customers/{customer_id}/erase",
                              {"close_open_tickets": True})  # fmt: skip
    assert status == 200 and done["erased"]["identities"] == 1 and done["files_removed"] == 1
    async with db.read() as s:
        customer = await s.get_one(Customer, customer_id)
        ticket = await s.get_one(Ticket, ticket_id)
        texts = list(await s.scalars(select(Interaction.text).where(Interaction.customer_id == customer_id)))
        summaries = set(await s.scalars(select(HistoryEntry.summary).where(HistoryEntry.customer_id == customer_id)))
        identities = list(await s.scalars(select(Identity).where(Identity.customer_id == customer_id)))
        audit = await s.scalar(select(AuditEntry).where(AuditEntry.action == "customer.erased"))
    assert customer.display_name == f"erased customer {customer_id}" and identities == []
    assert texts == ["[erased]"] and summaries == {"[erased]"}
    # Anonymous figures stay: the ticket's channel, times and tier-based priority are still there.
    assert ticket.status == "closed" and ticket.subject == "[erased]" and ticket.channel == "email"
    assert ticket.created_at is not None and ticket.first_response_due_at is not None
    with pytest.raises(KeyError):
        await hub.app[keys.ATTACHMENTS].get(key)
    assert audit is not None and audit.details["messages"] == 1 and "李娜" not in str(audit.details)
    # The same address writing again is a new customer: nothing links back to the erased one.
    sender = IdentityRef("email", "li.na@example.cn")
    again = await hub.app[keys.INGESTOR].ingest(
        InboundEnvelope(channel="email", external_id="<p2@x>", text="hi", sender=sender)
    )
    assert again.ticket.customer_id != customer_id


def test_logs_never_carry_addresses_or_numbers(caplog: pytest.LogCaptureFixture) -> None:
    assert redact("from li.na@example.cn and +86 138 0013 8000 / 13800138000, ticket 42") == (
        "from l…@… and +…00 / +…00, ticket 42"
    )
    logger = logging.getLogger("hub.test.redaction")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="hub.test.redaction"):
        logger.info("SMS from %s to %s", "+8613800138000", "bob@example.com")
    assert caplog.records[0].getMessage() == "SMS from +…00 to b…@…"


WORDS = (
    "李娜",
    "Li Na",
    "li.na@example.cn",
    "8613900139000",
    "oLiNa_openid_0001",
    "北京市海淀区",
    "身份证",
    "护照号码",
)


async def everything_stored(db: Database) -> str:
    """Every row of every table, as text: what a database dump would show."""
    from hub.db.base import Base

    async with db.read() as s:
        rows = []
        for table in Base.metadata.sorted_tables:
            rows += [str(tuple(r)) for r in (await s.execute(select(table))).all()]
    return "\n".join(rows)


async def test_erasure_leaves_none_of_their_words_or_ids_anywhere(hub: Hub, db: Database) -> None:
    from hub.customers.tables import Survey
    from hub.db.models import MailNotice, VoiceCall
    from tests.waiting import until

    supervisor, agent = await make_token(db, "supervisor"), await make_token(db, "agent")
    ingest = hub.app[keys.INGESTOR]
    raw_store = hub.app[keys.EMAIL].intake.raw
    raw_key = await raw_store.put(b"From: =?utf-8?b?5p2O5aic?= <li.na@example.cn>\r\n\r\n\xe6\x88\x91\xe7\x9a\x84")
    mail = await ingest.ingest(InboundEnvelope(
        channel="email", external_id="<CAF1=li.na@example.cn>", sender=IdentityRef("email", "li.na@example.cn"),
        sender_name="李娜 Li Na", subject="护照号码 passport number",
        text="我的护照号码是 E12345678，地址北京市海淀区1号", meta={"raw_key": raw_key}))  # fmt: skip
    customer, ticket = mail.ticket.customer_id, mail.ticket.id
    files = hub.app[keys.ATTACHMENTS]
    scan = await files.put(b"%PDF-1.4 passport scan", "passport.pdf", "application/pdf")
    await add_attachments(db, mail.interaction.id, [scan])
    # A WeChat record of hers, merged into the e-mail one: its event id carries her openid.
    wechat = await ingest.ingest(InboundEnvelope(
        channel="wechat", external_id="wx0000000000000001:oLiNa_openid_0001:1700000000:CLICK:MENU_BILLING",
        sender=IdentityRef("wechat", "wx0000000000000001:oLiNa_openid_0001"), sender_name="Li Na",
        text="身份证丢了怎么办", extra_identities=(IdentityRef("phone", "+86 139 0013 9000"),)))  # fmt: skip
    status, _ = await call(hub, supervisor, "POST", f"/api/v1/customers/{wechat.ticket.customer_id}/merge",
                           {"into": customer})  # fmt: skip
    assert status == 200
    # Copies elsewhere: an agent's reply, a survey comment, a call from her number, an agent's own search.
    assert (await call(hub, agent, "POST", f"/api/v1/tickets/{ticket}/replies", {"text": "李娜您好, we got it"}))[
        0
    ] == 201
    async with db.write() as uow:
        uow.session.add(Survey(ticket_id=ticket, customer_id=customer, token="t" * 40, channel="email",
                               rating=2, comment="李娜: too slow"))  # fmt: skip
        uow.session.add(VoiceCall(call_sid="CA" + "1" * 32, number="+15550001111", caller="+8613900139000",
                                  path=["zh", "2"], ticket_id=ticket))  # fmt: skip
        # Mail kept for staff: her out-of-office to nothing, a bounce about mail to her, someone else's notice.
        notices = [
            ("automatic", "=?utf-8?b?5p2O5aic?= <LI.NA@example.cn>", "我在休假 (李娜)"),
            ("bounce", "MAILER-DAEMON@mx.example.net", "<li.na@example.cn>: mailbox full"),
            ("automatic", "noreply@shop.example", "Your parcel has shipped"),
        ]
        for n, (kind, sender, text) in enumerate(notices):
            raw = await raw_store.put(f"From: {sender}\r\n\r\n{text}".encode())
            uow.session.add(MailNotice(kind=kind, message_id=f"<notice-{n}@x>", mailbox="support", sender=sender,
                                       subject="Re: ...", text=text, reason="auto", meta={"raw_key": raw}))  # fmt: skip
    await call(hub, agent, "GET", "/api/v1/knowledge/suggest?q=" + "身份证丢了怎么办")  # her words, searched by hand
    await call(hub, agent, "GET", "/api/v1/knowledge/suggest?q=how do I change my delivery address")  # someone's

    async def in_gap_report() -> bool:
        _, report = await call(hub, supervisor, "GET", "/api/v1/knowledge/gaps")
        return "北京市海淀区" in str(report)

    await until(in_gap_report)
    before = await everything_stored(db)
    assert all(word in before for word in WORDS)

    status, done = await call(hub, supervisor, "POST", f"/api/v1/customers/{customer}/erase",
                              {"close_open_tickets": True})  # fmt: skip
    assert status == 200 and done["files_removed"] == 4  # the scan, the raw copies of her mail and her 2 notices
    assert done["erased"]["knowledge_gaps"] >= 2 and done["erased"]["calls"] == 1
    assert done["erased"]["mail_notices"] == 2 and "Your parcel has shipped" in await everything_stored(db)
    after = await everything_stored(db)
    assert [word for word in WORDS if word in after] == []
    _, report = await call(hub, supervisor, "GET", "/api/v1/knowledge/gaps")
    assert "delivery address" in str(report)  # other people's questions stay in the report
    with pytest.raises(KeyError):
        await raw_store.get(raw_key)
    with pytest.raises(KeyError):
        await files.get(scan.storage_key)
    async with db.read() as s:
        merged_away = await s.get_one(Customer, wechat.ticket.customer_id)
        ticket_row = await s.get_one(Ticket, ticket)
    assert merged_away.display_name == f"erased customer {merged_away.id}"
    # The figures stay: channel, times, the first response, the rating.
    assert ticket_row.channel == "email" and ticket_row.first_responded_at is not None
    assert ticket_row.status == "closed" and ticket_row.first_response_due_at is not None
    # A retried push of the same WeChat event is not recognised as hers: nothing links back.
    again = await ingest.ingest(InboundEnvelope(
        channel="wechat", external_id="wx0000000000000001:oLiNa_openid_0001:1700000000:CLICK:MENU_BILLING",
        sender=IdentityRef("wechat", "wx0000000000000001:oLiNa_openid_0001"), text="hello"))  # fmt: skip
    assert not again.duplicate and again.ticket.customer_id not in (customer, wechat.ticket.customer_id)
