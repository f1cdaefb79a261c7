"""Finished work newest first: order=recent lists by last activity, descending, paged by its own cursors."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Ticket
from tests.conftest import Hub, make_agent, make_token
from tests.tickets.test_search import call, ingest


async def pages(hub: Hub, token: str, query: str) -> list[int]:
    seen: list[int] = []
    cursor = ""
    for _ in range(20):
        status, body = await call(hub, token, f"/api/v1/tickets?{query}&limit=2{cursor}")
        assert status == 200, body
        seen += [t["id"] for t in body["tickets"]]
        if body["next_cursor"] is None:
            return seen
        cursor = f"&cursor={body['next_cursor']}"
    raise AssertionError("the list never ended")


async def test_recent_order_lists_solved_and_closed_work_newest_first_across_pages(hub: Hub, db: Database) -> None:
    supervisor = await make_token(db, "supervisor")
    ids = [await ingest(hub, n, f"question {n}") for n in range(7)]
    now = utcnow()
    # Priorities and statuses mixed, and two tickets active at the same instant (the id breaks the tie).
    async with db.write() as uow:
        for k, ticket_id in enumerate(ids):
            at = now - timedelta(hours=[5, 1, 3, 3, 7, 2, 6][k])
            await uow.session.execute(
                update(Ticket).where(Ticket.id == ticket_id).values(
                    status="solved" if k % 2 else "closed", priority=["urgent", "low", "normal"][k % 3],
                    last_message_at=at, assignee_id=None,
                )
            )  # fmt: skip
    async with db.read() as s:
        expected = list(await s.scalars(select(Ticket.id).order_by(Ticket.last_message_at.desc(), Ticket.id.desc())))
    assert await pages(hub, supervisor, "status=solved,closed&order=recent") == expected
    # The default order is still the inbox's: most urgent first.
    status, body = await call(hub, supervisor, "/api/v1/tickets?status=solved,closed")
    assert body["tickets"][0]["priority"] == "urgent"
    # A cursor belongs to its order; an unknown order and an ordered search are refused, not ignored.
    status, body = await call(hub, supervisor, "/api/v1/tickets?status=solved,closed&order=recent&limit=2")
    status, body = await call(hub, supervisor, f"/api/v1/tickets?status=solved,closed&cursor={body['next_cursor']}")
    assert status == 400 and "recent" in body["error"]["message"]
    assert (await call(hub, supervisor, "/api/v1/tickets?order=oldest"))[0] == 400
    assert (await call(hub, supervisor, "/api/v1/tickets?q=question&order=recent"))[0] == 400


async def test_an_agents_own_finished_work_newest_first(hub: Hub, db: Database) -> None:
    supervisor = await make_token(db, "supervisor")
    ids = [await ingest(hub, n, f"question {n}") for n in range(5)]
    now = utcnow()
    async with db.write() as uow:
        for k, ticket_id in enumerate(ids):
            await uow.session.execute(
                update(Ticket).where(Ticket.id == ticket_id).values(
                    status="solved", assignee_id=None, last_message_at=now - timedelta(minutes=k * 10)
                )
            )  # fmt: skip
    someone = (await make_agent(db, "lin@example.test")).id
    mine = ids[1], ids[3], ids[4]
    async with db.write() as uow:
        await uow.session.execute(update(Ticket).where(Ticket.id.in_(mine)).values(assignee_id=someone))
    listed = await pages(hub, supervisor, f"status=solved&order=recent&assignee={someone}")
    assert listed == [ids[1], ids[3], ids[4]]
