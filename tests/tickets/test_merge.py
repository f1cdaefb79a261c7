"""Merging tickets: everything moves to the target, the source stays closed as a pointer that replies follow,
both histories say so, SLA promises are kept, and only those who may change both tickets merge them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from hub import keys
from hub.db.engine import Database
from hub.db.models import AuditEntry, HistoryEntry, Ticket
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.events import TicketUpdated
from tests.conftest import Hub
from tests.console_kit import console, contact


async def two_tickets(hub: Hub, who: str = "mei@example.com") -> tuple[int, int]:
    """One customer's two mail tickets (a new mail is a new ticket unless it answers one)."""
    source = await contact(hub, "The charger is broken", who=who, explicit_threading=True)
    target = await contact(hub, "Also my order is late", who=who, explicit_threading=True)
    assert source != target
    return source, target


async def test_merge_moves_everything_and_leaves_a_pointer(hub: Hub, db: Database) -> None:
    source, target = await two_tickets(hub)
    heard: list[TicketUpdated] = []

    async def record(event: TicketUpdated) -> None:
        heard.append(event)

    hub.app[keys.DB].bus.subscribe(TicketUpdated, record)
    async with console(hub, db, "lin@example.test") as c:
        status, _ = await c.api("POST", f"/api/v1/tickets/{source}/replies", {"text": "note", "internal": True})
        assert status == 201
        status, body = await c.api("POST", f"/api/v1/tickets/{source}/merge", {"into": target})
        assert status == 200, body
        assert body["moved"] == 2 and body["into"]["id"] == target
        assert body["ticket"]["status"] == "closed" and body["ticket"]["merged_into_id"] == target
        _, merged = await c.api("GET", f"/api/v1/tickets/{target}")
        texts = [(i["direction"], i["text"]) for i in merged["interactions"]]
        assert ("inbound", "The charger is broken") in texts and ("note", "note") in texts
        assert ("system", f"Ticket #{source} merged into this one by lin (2 messages moved)") in texts
        _, pointer = await c.api("GET", f"/api/v1/tickets/{source}")
        assert [(i["direction"], i["text"]) for i in pointer["interactions"]] == [
            ("system", f"Merged into ticket #{target} by lin")
        ]
        # Closed: it is merged once, and takes nothing more.
        status, body = await c.api("POST", f"/api/v1/tickets/{source}/merge", {"into": target})
        assert status == 409 and f"merged into ticket {target}" in body["error"]["message"]
        status, body = await c.api("POST", f"/api/v1/tickets/{target}/merge", {"into": source})
        assert status == 409
    # The target took the source's earlier promise to answer (the source was written first).
    assert {e.ticket.id: e.changes[:2] for e in heard[-2:]} == {
        source: ("status", "merged_into_id"),
        target: ("merged", "first_response_due_at"),
    }
    async with db.read() as s:
        lines = dict((await s.execute(select(HistoryEntry.ticket_id, HistoryEntry.summary).where(
            HistoryEntry.kind.in_(("ticket.merged", "ticket.merged_in"))))).all())  # fmt: skip
        assert lines == {source: f"merged into #{target} by lin", target: f"#{source} merged into this ticket by lin"}
        # The source's own timeline (created, its messages) moved with it.
        assert set(await s.scalars(select(HistoryEntry.kind).where(HistoryEntry.ticket_id == source))) == {
            "ticket.merged"
        }
        actions = set(await s.scalars(select(AuditEntry.action).where(AuditEntry.target_id.in_((source, target)))))
        assert {"ticket.merged", "ticket.merged_in"} <= actions


async def test_a_reply_to_the_merged_ticket_lands_on_the_target(hub: Hub) -> None:
    source, target = await two_tickets(hub, "zhou@example.com")
    async with console(hub, hub.app[keys.DB], "he@example.test", "supervisor") as c:
        status, _ = await c.api("POST", f"/api/v1/tickets/{source}/merge", {"into": target})
        assert status == 200
    ingest = hub.app[keys.INGESTOR].ingest
    sender = IdentityRef("email", "zhou@example.com")
    # By the subject's ticket number (the hint a channel gives), and by the Message-ID the reply answers.
    by_number = await ingest(InboundEnvelope(channel="email", external_id="r1", sender=sender, text="any news?",
                                             thread_ticket_id=source, explicit_threading=True))  # fmt: skip
    by_reference = await ingest(InboundEnvelope(channel="email", external_id="r2", sender=sender, text="hello?",
                                                thread_refs=("zhou@example.com-0-The charge",),
                                                explicit_threading=True))  # fmt: skip
    assert by_number.ticket.id == target and by_reference.ticket.id == target


async def test_sla_and_fields_after_a_merge(hub: Hub, db: Database) -> None:
    source, target = await two_tickets(hub, "an@example.com")
    async with db.write() as uow:
        rows = {t.id: t for t in await uow.session.scalars(select(Ticket).where(Ticket.id.in_((source, target))))}
        promised = rows[target].first_response_due_at
        assert promised is not None
        earlier = promised - timedelta(hours=1)
        await uow.session.execute(update(Ticket).where(Ticket.id == source).values(
            priority="urgent", tags=["vip"], first_response_due_at=earlier, resolution_due_at=earlier))  # fmt: skip
        await uow.session.execute(update(Ticket).where(Ticket.id == target).values(tags=["late"]))
    async with console(hub, db, "xu@example.test") as c:
        status, body = await c.api("POST", f"/api/v1/tickets/{source}/merge", {"into": target})
        assert status == 200
    merged = body["into"]
    # The customer asked first on the source: that promise stands; the more urgent priority; both tags.
    assert merged["first_response_due_at"] == earlier.isoformat()
    assert merged["resolution_due_at"] == earlier.isoformat()
    assert merged["priority"] == "urgent" and merged["tags"] == ["late", "vip"]
    assert merged["status"] == "new" and merged["last_message_at"] >= body["ticket"]["last_message_at"]


async def test_who_may_merge(hub: Hub, db: Database) -> None:
    source, target = await two_tickets(hub, "gao@example.com")
    other_customer = await contact(hub, "unrelated", who="stranger@example.com")
    async with console(hub, db, "owner@example.test") as owner, console(hub, db, "peer@example.test") as peer:
        status, _ = await owner.api("PATCH", f"/api/v1/tickets/{source}", {"assignee_id": owner.agent.id})
        assert status == 200
        status, body = await peer.api("POST", f"/api/v1/tickets/{source}/merge", {"into": target})
        assert status == 403 and "only supervisors" in body["error"]["message"]
        status, body = await owner.api("POST", f"/api/v1/tickets/{source}/merge", {"into": other_customer})
        assert status == 422 and "one customer's tickets" in body["error"]["message"]
        for bad, expected in (({"into": source}, 422), ({"into": 999999}, 404), ({"into": "7"}, 422), ({}, 422)):
            status, _ = await owner.api("POST", f"/api/v1/tickets/{source}/merge", bad)
            assert status == expected, bad
        status, body = await owner.api("POST", f"/api/v1/tickets/{source}/merge", {"into": target})
        assert status == 200
        # The owner's work went with it: the unowned target is theirs now.
        assert body["into"]["assignee_id"] == owner.agent.id
