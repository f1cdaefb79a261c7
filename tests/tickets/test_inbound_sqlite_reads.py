"""The batch's reads on SQLite's driver (inbound_sqlite.py) give what SQLAlchemy's execution of them gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from hub.db.engine import Database
from hub.db.models import Customer, Identity, Interaction, Queue, Status, Ticket
from hub.settings import Settings
from hub.tickets.inbound_rows import BY_ID, LATEST, OWNERS, REFERRED, SEEN, dicts
from hub.tickets.inbound_sqlite import DriverRead
from hub.tickets.queues import sync_queues

T0 = datetime(2026, 12, 5, 9, 0, 0, 123456, tzinfo=UTC)


async def test_driver_reads_give_what_sqlalchemy_gives(db: Database, settings: Settings) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite only: on PostgreSQL the batch reads through SQLAlchemy")
    await sync_queues(db, settings.queues)
    async with db.write() as uow:
        s = uow.session
        queue = await s.scalar(select(Queue.id).limit(1))
        assert queue is not None
        customers = [Customer(display_name=name, tier=tier) for name, tier in (("王芳", "vip"), ("Li", "general"))]
        s.add_all(customers)
        await s.flush()
        s.add_all([Identity(customer_id=c.id, kind="phone", value=f"+8613800000{i}") for i, c in enumerate(customers)])
        zone = timezone(timedelta(hours=8))
        tickets = [
            Ticket(customer_id=customers[0].id, channel="sms.twilio", queue_id=queue, subject="旧的",
                   tags=["退款", "x"], requirements={"language": "zh"}, last_message_at=T0,
                   first_response_due_at=T0 + timedelta(hours=1)),
            Ticket(customer_id=customers[0].id, channel="sms.twilio", queue_id=queue, subject="newer",
                   last_message_at=(T0 + timedelta(minutes=5)).astimezone(zone), remind_at=T0, status="open"),
            Ticket(customer_id=customers[0].id, channel="email", queue_id=queue, subject="mail", last_message_at=T0),
            Ticket(customer_id=customers[1].id, channel="sms.twilio", queue_id=queue, subject="closed",
                   status=Status.CLOSED.value, last_message_at=T0 + timedelta(days=1)),
        ]  # fmt: skip
        s.add_all(tickets)
        await s.flush()
        s.add(Interaction(ticket_id=tickets[0].id, customer_id=customers[0].id, direction="inbound",
                          channel="sms.twilio", external_id="SM1", text="hi", created_at=T0))  # fmt: skip
        await s.flush()
        ids = [c.id for c in customers]
        for statement, params in (
            (SEEN, {"channel": "sms.twilio", "ids": ["SM0", "SM1", "SM2"]}),
            (OWNERS, {"kind": "phone", "values": ["+86138000000", "+86138000001", "+1"]}),
            (LATEST, {"customers": ids}),
            (LATEST, {"customers": ids[:1]}),  # another length of the IN list: rendered again, once
            (REFERRED, {"channel": "sms.twilio", "ids": ["SM1", "SM9"]}),  # the messages a thread names
            (BY_ID, {"ids": [t.id for t in tickets]}),  # the tickets they are on, whole
        ):
            through_sqlalchemy = dicts(await s.execute(statement, params))
            on_the_driver = await DriverRead(statement).dicts(s, params)
            assert on_the_driver == through_sqlalchemy and on_the_driver
            # The same values, of the same types (a JSON list stays a list, a time is UTC-aware).
            for a, b in zip(on_the_driver, through_sqlalchemy, strict=True):
                assert {k: type(v) for k, v in a.items()} == {k: type(v) for k, v in b.items()}
        latest = {(t["customer_id"], t["channel"]): t for t in await DriverRead(LATEST).dicts(s, {"customers": ids})}
        assert latest[(ids[0], "sms.twilio")]["subject"] == "newer"  # the latest unclosed one per channel
        assert latest[(ids[0], "sms.twilio")]["last_message_at"] == T0 + timedelta(minutes=5)
        assert (ids[1], "sms.twilio") not in latest  # closed
