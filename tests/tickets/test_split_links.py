"""Splitting a ticket's messages off to a new one, and links between tickets: audited, on both timelines."""

from __future__ import annotations

from sqlalchemy import select

from hub import keys
from hub.db.engine import Database
from hub.db.models import AuditEntry, HistoryEntry
from hub.events import TicketCreated
from tests.conftest import Hub
from tests.console_kit import console, contact


async def thread(hub: Hub, who: str, *texts: str) -> int:
    """One ticket holding these customer messages, in order."""
    ids = {await contact(hub, text, who=who, n=n) for n, text in enumerate(texts)}
    assert len(ids) == 1
    return ids.pop()


async def test_split_moves_the_chosen_messages_to_a_linked_ticket(hub: Hub, db: Database) -> None:
    ticket_id = await thread(hub, "fang@example.com", "Where is my parcel?", "Also: refund my umbrella", "thanks")
    created: list[TicketCreated] = []

    async def heard(event: TicketCreated) -> None:
        created.append(event)

    hub.app[keys.DB].bus.subscribe(TicketCreated, heard)
    async with console(hub, db, "tang@example.test") as c:
        _, detail = await c.api("GET", f"/api/v1/tickets/{ticket_id}")
        ids = [i["id"] for i in detail["interactions"]]
        status, body = await c.api("POST", f"/api/v1/tickets/{ticket_id}/split", {"interaction_ids": ids[1:]})
        assert status == 201, body
        new = body["created"]
        assert body["moved"] == 2 and new["subject"] == "Also: refund my umbrella" and new["status"] == "new"
        assert new["customer_id"] == detail["ticket"]["customer_id"] and new["queue"] == detail["ticket"]["queue"]
        # Splitting neither resets nor extends what was promised when the customer first wrote.
        assert new["first_response_due_at"] == detail["ticket"]["first_response_due_at"]
        assert new["resolution_due_at"] == detail["ticket"]["resolution_due_at"]
        assert [e.ticket.id for e in created] == [new["id"]]
        _, after = await c.api("GET", f"/api/v1/tickets/{ticket_id}")
        assert [i["text"] for i in after["interactions"]] == [
            "Where is my parcel?",
            f"2 messages split off to ticket #{new['id']} by tang",
        ]
        assert after["ticket"]["last_message_at"] == detail["interactions"][0]["created_at"]
        _, moved = await c.api("GET", f"/api/v1/tickets/{new['id']}")
        assert [i["text"] for i in moved["interactions"]] == [
            "Also: refund my umbrella",
            "thanks",
            f"Split off from ticket #{ticket_id} by tang",
        ]
        _, links = await c.api("GET", f"/api/v1/tickets/{ticket_id}/links")
        assert [(link["ticket_id"], link["kind"]) for link in links["links"]] == [(new["id"], "related")]
        # The search index followed the messages.
        _, found = await c.api("GET", "/api/v1/tickets?q=umbrella")
        assert [t["id"] for t in found["tickets"]] == [new["id"]]
    async with db.read() as s:
        moved_history = set(await s.scalars(select(HistoryEntry.interaction_id).where(
            HistoryEntry.ticket_id == new["id"], HistoryEntry.interaction_id.is_not(None))))  # fmt: skip
        assert moved_history == set(ids[1:])
        kinds = set(await s.scalars(select(AuditEntry.action).where(AuditEntry.target_id == new["id"])))
        assert {"ticket.split_from", "ticket.linked"} <= kinds


async def test_split_refuses_what_it_cannot_do(hub: Hub, db: Database) -> None:
    ticket_id = await thread(hub, "du@example.com", "one", "two")
    stranger = await contact(hub, "elsewhere", who="kong@example.com")
    async with console(hub, db, "cao@example.test") as c:
        _, detail = await c.api("GET", f"/api/v1/tickets/{ticket_id}")
        ids = [i["id"] for i in detail["interactions"]]
        _, other = await c.api("GET", f"/api/v1/tickets/{stranger}")
        for body, expected, words in [
            ({"interaction_ids": ids}, 422, "at least one message stays"),
            ({"interaction_ids": [other["interactions"][0]["id"]]}, 422, f"not on ticket {ticket_id}"),
            ({"interaction_ids": []}, 422, "interaction_ids"),
        ]:
            status, answer = await c.api("POST", f"/api/v1/tickets/{ticket_id}/split", body)
            assert status == expected and words in answer["error"]["message"], (body, answer)
        status, _ = await c.api("POST", "/api/v1/tickets/999999/split", {"interaction_ids": [1]})
        assert status == 404


async def test_links_seen_from_both_sides_and_removed(hub: Hub, db: Database) -> None:
    problem = await contact(hub, "The app crashes on start", who="a@example.com")
    report = await contact(hub, "App will not open", who="b@example.com")
    async with console(hub, db, "ren@example.test") as c:
        status, body = await c.api("POST", f"/api/v1/tickets/{report}/links", {"ticket_id": problem, "kind": "parent"})
        assert status == 201, body
        assert [(x["ticket_id"], x["kind"], x["subject"]) for x in body["links"]] == [
            (problem, "parent", "The app crashes on start")
        ]
        _, other_side = await c.api("GET", f"/api/v1/tickets/{problem}/links")
        assert [(x["ticket_id"], x["kind"], x["created_by"]) for x in other_side["links"]] == [(report, "child", "ren")]
        for body, expected in [
            ({"ticket_id": report, "kind": "related"}, 409),  # linked already, from the other side
            ({"ticket_id": problem}, 422),  # itself
            ({"ticket_id": 999999}, 404),
            ({"ticket_id": report, "kind": "sibling"}, 422),
        ]:
            status, _ = await c.api("POST", f"/api/v1/tickets/{problem}/links", body)
            assert status == expected, body
        status, body = await c.api("DELETE", f"/api/v1/tickets/{problem}/links/{report}")
        assert status == 200 and body["links"] == []
        status, _ = await c.api("DELETE", f"/api/v1/tickets/{problem}/links/{report}")
        assert status == 404
    async with db.read() as s:
        lines = list(await s.execute(select(HistoryEntry.ticket_id, HistoryEntry.summary).where(
            HistoryEntry.kind.in_(("ticket.linked", "ticket.unlinked"))).order_by(HistoryEntry.id)))  # fmt: skip
        assert [tuple(line) for line in lines] == [
            (report, f"#{problem} linked as parent by ren"),
            (problem, f"#{report} linked as child by ren"),
            (problem, f"link to #{report} removed by ren"),
            (report, f"link to #{problem} removed by ren"),
        ]
