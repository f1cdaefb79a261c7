"""Customer privacy: export, erasure that keeps anonymous figures, audits of who looked, logs without PII."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from hub import keys
from hub.contacts import add_attachments
from hub.db.engine import Database
from hub.db.models import AuditEntry, Customer, HistoryEntry, Identity, Interaction, Ticket
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.log_redaction import RedactingFilter, redact
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
