"""Snoozing: a pending ticket with a reminder opens again when it is due (back to its owner) or when the
customer writes; the waker reads only the due tickets."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import select, update

from hub import keys
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import AuditEntry, Customer, Queue, Ticket
from hub.events import TicketUpdated
from hub.tickets.snooze import _DUE, ReminderWaker, wake_due
from tests.conftest import Hub
from tests.console_kit import console, contact
from tests.waiting import until

Job = Callable[[], Awaitable[None]]


async def test_a_snoozed_ticket_wakes_for_its_owner_when_due(hub: Hub, db: Database) -> None:
    ticket_id = await contact(hub, "I will send the receipt tomorrow", who="yan@example.com")
    remind = (utcnow() + timedelta(hours=20)).replace(microsecond=0)
    woken: list[TicketUpdated] = []

    async def heard(event: TicketUpdated) -> None:
        if "remind_at" in event.changes and event.ticket.remind_at is None:
            woken.append(event)

    hub.app[keys.DB].bus.subscribe(TicketUpdated, heard)
    async with console(hub, db, "bai@example.test") as c:
        change = {"status": "pending", "remind_at": remind.isoformat(), "assignee_id": c.agent.id}
        status, body = await c.api("PATCH", f"/api/v1/tickets/{ticket_id}", change)
        assert status == 200, body
        assert body["ticket"]["status"] == "pending" and body["ticket"]["remind_at"] == remind.isoformat()
        # The inbox shows until when.
        _, inbox = await c.api("GET", "/api/v1/console/inbox")
        assert [t["remind_at"] for t in inbox["tickets"] if t["id"] == ticket_id] == [remind.isoformat()]
        assert await wake_due(hub.app[keys.DB], utcnow()) == 0  # not yet
        assert await wake_due(hub.app[keys.DB], remind + timedelta(seconds=1)) == 1
        _, after = await c.api("GET", f"/api/v1/tickets/{ticket_id}")
        assert after["ticket"]["status"] == "open" and after["ticket"]["remind_at"] is None
        assert after["ticket"]["assignee_id"] == c.agent.id
    assert [e.ticket.id for e in woken] == [ticket_id] and woken[0].changes == ("status", "remind_at")
    async with db.read() as s:
        assert await s.scalar(select(AuditEntry.details).where(AuditEntry.action == "ticket.reminder_due")) == {
            "remind_at": remind.isoformat()
        }


async def test_the_running_hub_wakes_a_ticket_on_time(hub: Hub, db: Database) -> None:
    ticket_id = await contact(hub, "call me back in a moment", who="lu@example.com")
    async with console(hub, db, "mo@example.test") as c:
        soon = (utcnow() + timedelta(seconds=1)).isoformat()
        status, body = await c.api("PATCH", f"/api/v1/tickets/{ticket_id}", {"status": "pending", "remind_at": soon})
        assert status == 200, body

        async def opened() -> bool:
            _, detail = await c.api("GET", f"/api/v1/tickets/{ticket_id}")
            return bool(detail["ticket"]["status"] == "open")

        await until(opened, what="the reminder to open the ticket")


async def test_the_customer_writing_wakes_it_and_spends_the_reminder(hub: Hub, db: Database) -> None:
    ticket_id = await contact(hub, "checking with my bank", who="qin@example.com")
    async with console(hub, db, "jin@example.test") as c:
        later = (utcnow() + timedelta(days=2)).isoformat()
        status, _ = await c.api("PATCH", f"/api/v1/tickets/{ticket_id}", {"status": "pending", "remind_at": later})
        assert status == 200
        assert await contact(hub, "the bank says yes", who="qin@example.com", n=1) == ticket_id
        _, detail = await c.api("GET", f"/api/v1/tickets/{ticket_id}")
        assert detail["ticket"]["status"] == "open" and detail["ticket"]["remind_at"] is None


async def test_reminders_only_on_pending_tickets_and_ahead(hub: Hub, db: Database) -> None:
    ticket_id = await contact(hub, "question", who="shi@example.com")
    path = f"/api/v1/tickets/{ticket_id}"
    ahead = (utcnow() + timedelta(hours=3)).isoformat()
    async with console(hub, db, "kang@example.test") as c:
        for change, words in [
            ({"remind_at": ahead}, "pending"),  # the ticket is new
            ({"status": "open", "remind_at": ahead}, "pending"),
            ({"status": "pending", "remind_at": (utcnow() - timedelta(minutes=1)).isoformat()}, "has passed"),
            ({"status": "pending", "remind_at": (utcnow() + timedelta(days=400)).isoformat()}, "a year"),
            ({"status": "pending", "remind_at": "2030-01-01T09:00:00"}, "UTC offset"),
            ({"status": "pending", "remind_at": "tomorrow"}, "ISO 8601"),
        ]:
            status, body = await c.api("PATCH", path, change)
            assert status == 422 and words in body["error"]["message"], (change, body)
        status, body = await c.api("PATCH", path, {"status": "pending", "remind_at": ahead})
        assert status == 200 and body["ticket"]["remind_at"]
        status, body = await c.api("PATCH", path, {"remind_at": None})  # no reminder, still pending
        assert status == 200 and body["ticket"]["status"] == "pending" and body["ticket"]["remind_at"] is None
        status, body = await c.api("PATCH", path, {"remind_at": ahead})
        assert status == 200 and body["ticket"]["remind_at"]
        status, body = await c.api("PATCH", path, {"status": "solved"})  # leaving pending drops it
        assert status == 200 and body["ticket"]["remind_at"] is None


async def test_the_waker_reads_the_due_range_of_its_index(hub: Hub, db: Database) -> None:
    """O(due tickets): the due query is an index range; a leftover reminder on a ticket that is no longer
    pending is cleared, not woken, so it is read once."""
    ticket_id = await contact(hub, "x", who="he@example.com")
    async with db.write() as uow:
        await uow.session.execute(update(Ticket).where(Ticket.id == ticket_id).values(
            status="solved", remind_at=utcnow() - timedelta(minutes=5)))  # fmt: skip
    assert await wake_due(db, utcnow()) == 0
    async with db.read() as s:
        assert await s.scalar(select(Ticket.remind_at).where(Ticket.id == ticket_id)) is None
        assert await s.scalar(select(Ticket.status).where(Ticket.id == ticket_id)) == "solved"
    if not db.is_sqlite:
        return  # (PostgreSQL's planner reads a table this small whole, whatever its indexes)
    async with db.read() as s:
        compiled = _DUE.compile(dialect=s.get_bind().dialect)
        params = {**compiled.params, "now": "2030-01-01 00:00:00.000000"}
        conn = await s.connection()
        plan = await conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + str(compiled), tuple(params[k] for k in compiled.positiontup or ())
        )
        assert "ix_tickets_remind_at" in " ".join(str(row) for row in plan)


async def test_only_the_leading_process_wakes_tickets(db: Database) -> None:
    """Every process has a waker; it runs only while its process leads (hub/ops/leadership.py), so two
    processes never open one ticket twice."""
    async with db.write() as uow:
        s = uow.session
        customer, queue = Customer(display_name="Wei", tier="general", attributes={}), Queue(name="q", display_name="Q")
        s.add_all([customer, queue])
        await s.flush()
        ticket = Ticket(customer_id=customer.id, channel="email", queue_id=queue.id, status="pending",
                        remind_at=utcnow() - timedelta(minutes=1))  # fmt: skip
        s.add(ticket)
    jobs: dict[str, tuple[Job, Job]] = {}

    class Follower:
        """A leadership this process has not won (yet): nothing runs."""

        async def begin(self) -> None: ...

        async def end(self) -> None: ...

    def lead(name: str, start: Job, stop: Job) -> Follower:
        jobs[name] = (start, stop)
        return Follower()

    waker = ReminderWaker(db, lead)
    await waker.start()

    async def opened() -> bool:
        async with db.read() as s:
            return await s.scalar(select(Ticket.status).where(Ticket.id == ticket.id)) == "open"

    assert not await opened()  # following: its reminder waits for the leader
    start, stop = jobs["ticket-reminders"]
    await start()  # this process leads now
    try:
        await until(opened, what="the leader to wake the ticket")
    finally:
        await stop()
        await waker.stop()
