"""Reasons a split, or a reply that takes a ticket, writes on its owner reach the workspace as message keys."""

from __future__ import annotations

from hub.db.engine import Database
from tests.conftest import Hub
from tests.console_kit import console, contact


async def test_split_and_answered_tickets_say_why_in_message_keys(hub: Hub, db: Database) -> None:
    who = "song@example.com"
    ticket_id = await contact(hub, "My parcel has not arrived", who=who)
    assert await contact(hub, "Also, the invoice title is wrong", who=who, n=1) == ticket_id
    async with console(hub, db, "mei@example.test") as c:
        status, body = await c.api("POST", f"/api/v1/tickets/{ticket_id}/replies", {"text": "Looking into it"})
        assert status == 201, body
        _, read = await c.api("GET", f"/api/v1/console/tickets/{ticket_id}")
        taken = read["ticket"]["assignment"]["reasons"]
        assert taken == ["took it by answering (mei, agent)"]
        said = read["phrases"][taken[0]]
        assert said == {
            "key": "took it by answering (%(actor)s, %(role)s)",
            "params": {"actor": "mei", "role": "agent"},
        }

        inbound = [i["id"] for i in read["interactions"] if i["direction"] == "inbound"]
        status, split = await c.api("POST", f"/api/v1/tickets/{ticket_id}/split", {"interaction_ids": inbound[1:]})
        assert status == 201, split
        _, moved = await c.api("GET", f"/api/v1/console/tickets/{split['created']['id']}")
        reason = moved["ticket"]["assignment"]["reasons"][0]
        keyed = {"key": "split from ticket #%(ticket)s", "params": {"ticket": str(ticket_id)}}
        assert moved["phrases"][reason] == keyed
