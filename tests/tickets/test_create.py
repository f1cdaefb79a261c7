"""Tickets agents open: for a known customer or an identity, a first message kept as a note or sent out under
the reply rules, all or nothing, audited, announced."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from hub import keys
from hub.db.engine import Database
from hub.db.models import AuditEntry, Customer, HistoryEntry, OutboxItem, Ticket
from hub.events import MessageCreated, TicketCreated
from tests.conftest import Hub
from tests.console_kit import console, contact


async def _count(db: Database, table: Any) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(table)) or 0)


async def test_an_agent_opens_a_ticket_for_a_known_customer_with_a_note(hub: Hub, db: Database) -> None:
    first = await contact(hub, "my parcel never came")
    seen: list[object] = []

    async def heard(event: object) -> None:
        seen.append(event)

    hub.app[keys.DB].bus.subscribe(TicketCreated, heard)
    hub.app[keys.DB].bus.subscribe(MessageCreated, heard)
    async with console(hub, db, "li@example.test") as c:
        _, detail = await c.api("GET", f"/api/v1/tickets/{first}")
        customer_id = detail["ticket"]["customer_id"]
        status, body = await c.api("POST", "/api/v1/tickets", {
            "customer_id": customer_id, "channel": "email", "text": "Called about a second order\nDetails follow",
            "tags": ["phone", " ", "orders"], "queue": "general",
        })  # fmt: skip
        assert status == 201, body
        ticket, message = body["ticket"], body["interaction"]
        assert ticket["customer_id"] == customer_id and ticket["id"] != first
        assert ticket["status"] == "new" and ticket["subject"] == "Called about a second order Details follow"
        assert ticket["tags"] == ["orders", "phone"] and ticket["queue"] == "general"
        assert ticket["first_response_due_at"] and ticket["resolution_due_at"] and ticket["assignee_id"] is None
        assert message["direction"] == "note" and message["delivery_status"] is None
        assert [type(e) for e in seen] == [TicketCreated, MessageCreated]
    async with db.read() as s:
        audit = await s.scalar(select(AuditEntry).where(AuditEntry.action == "ticket.created"))
        assert audit is not None and audit.target_id == ticket["id"] and audit.details["sent"] is False
        kinds = set(await s.scalars(select(HistoryEntry.kind).where(HistoryEntry.ticket_id == ticket["id"])))
        assert {"ticket.created", "note"} <= kinds
        assert await s.scalar(select(func.count()).select_from(OutboxItem)) == 0


async def test_writing_first_to_a_new_address_sends_and_takes_the_ticket(hub: Hub, db: Database) -> None:
    async with console(hub, db, "wang@example.test") as c:
        status, body = await c.api("POST", "/api/v1/tickets", {
            "identity": {"kind": "email", "value": "New.Person@Example.COM"}, "customer_name": "New Person",
            "channel": "email", "subject": "Your refund", "text": "Your refund is on its way.", "send": True,
            "priority": "high",
        })  # fmt: skip
        assert status == 201, body
        ticket, message = body["ticket"], body["interaction"]
        assert message["direction"] == "outbound" and message["delivery_status"] == "queued"
        # The agent answered: first response given, the ticket open and theirs (as any reply does).
        assert ticket["status"] == "open" and ticket["assignee_id"] == c.agent.id
        assert ticket["first_responded_at"] and ticket["priority"] == "high" and ticket["subject"] == "Your refund"
        assert ticket["customer_name"] == "New Person"
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(OutboxItem)) == 1
        customer = await s.get_one(Customer, ticket["customer_id"])
        assert customer.display_name == "New Person"


async def test_a_refused_first_message_leaves_no_ticket(hub: Hub, db: Database) -> None:
    first = await contact(hub, "hello")
    tickets_before, customers_before = await _count(db, Ticket), await _count(db, Customer)
    async with console(hub, db, "zhao@example.test") as c:
        _, detail = await c.api("GET", f"/api/v1/tickets/{first}")
        customer_id = detail["ticket"]["customer_id"]
        # An e-mail customer has no phone number to text.
        sms = {"customer_id": customer_id, "channel": "sms.twilio", "text": "hi", "send": True}
        status, body = await c.api("POST", "/api/v1/tickets", sms)
        assert status == 422 and "phone" in body["error"]["message"]
        # WeChat takes messages only within 48 hours of the customer's own: never written, never reachable.
        wechat = {"identity": {"kind": "wechat", "value": "oABC123"}, "channel": "wechat", "text": "hi", "send": True}
        status, body = await c.api("POST", "/api/v1/tickets", wechat)
        assert status == 422 and "48 hours" in body["error"]["message"]
        # Too long for an SMS, on a new phone number.
        status, body = await c.api("POST", "/api/v1/tickets", {
            "identity": {"kind": "phone", "value": "+14155550199"}, "channel": "sms.twilio", "text": "x" * 1700,
            "send": True})  # fmt: skip
        assert status == 422 and "1600" in body["error"]["message"]
    assert await _count(db, Ticket) == tickets_before
    assert await _count(db, Customer) == customers_before  # the identity's new customer went with the ticket


async def test_bodies_that_name_no_customer_channel_or_queue_are_422(hub: Hub, db: Database) -> None:
    first = await contact(hub, "hello")
    async with console(hub, db, "qian@example.test", "supervisor") as c:
        _, detail = await c.api("GET", f"/api/v1/tickets/{first}")
        customer_id = detail["ticket"]["customer_id"]
        for body, words in [
            ({"channel": "email", "text": "x"}, "customer_id or by identity"),
            ({"customer_id": customer_id, "identity": {"kind": "email", "value": "a@b.c"}, "channel": "email",
              "text": "x"}, "one of them"),
            ({"customer_id": 999999, "channel": "email", "text": "x"}, "customer 999999 does not exist"),
            ({"customer_id": customer_id, "channel": "fax", "text": "x"}, "no channel 'fax'"),
            ({"customer_id": customer_id, "channel": "email", "text": "x", "queue": "nope"}, "queue 'nope'"),
            ({"customer_id": customer_id, "channel": "email", "text": ""}, "text"),
            ({"identity": {"kind": "email", "value": "not-an-address"}, "channel": "email", "text": "x"}, "email"),
            ({"customer_id": True, "channel": "email", "text": "x"}, "customer_id"),
        ]:  # fmt: skip
            status, answer = await c.api("POST", "/api/v1/tickets", body)
            assert status == 422, (body, answer)
            assert words in answer["error"]["message"], (body, answer)


async def test_the_new_ticket_is_documented_with_its_body(hub: Hub, db: Database) -> None:
    async with console(hub, db, "sun@example.test") as c:
        _, spec = await c.api("GET", "/api/openapi.json")
    tickets = spec["paths"]["/api/v1/tickets"]
    assert "get" in tickets, "the list stays beside the new POST"
    schema = tickets["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"customer_id", "identity", "channel", "text", "send"} <= set(schema["properties"])
    assert spec["components"]["schemas"]["Ticket"]["properties"]["remind_at"]
