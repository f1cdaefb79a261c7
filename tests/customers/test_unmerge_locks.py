"""Undoing a merge takes its customers' locks before it moves their rows, in the order routing takes them
(customer, then ticket): a router holding the customer and then asking for a moved ticket never deadlocks it."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, text

from hub.db.engine import Database
from hub.db.models import Customer, Ticket
from tests.conftest import Hub
from tests.customers.test_customers_merge import call, contact
from tests.waiting import until

# The undo waiting for a row lock (this database only: other tests' databases share the server).
_WAITING = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")


async def test_an_undo_waits_for_the_customer_before_it_moves_tickets(hub: Hub, db: Database, admin_token: str) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite has one writer at a time: no row locks, no deadlocks")
    mail = await contact(hub, "email", "email", "wang.fang@example.cn", "退货地址是哪里", "王芳")
    sms = await contact(hub, "sms.twilio", "phone", "+8613700137000", "我寄出了退货")
    async with db.read() as s:
        moved_ticket = await s.scalar(select(Ticket.id).where(Ticket.customer_id == sms))
    status, merged = await call(hub, admin_token, "POST", f"/api/v1/customers/{sms}/merge", {"into": mail})
    assert status == 200, merged
    # A router's transaction: the customer first (as routing locks it) ...
    async with db.write() as router:
        await router.session.get_one(Customer, mail, with_for_update=True)
        undo = asyncio.create_task(
            call(hub, admin_token, "POST", f"/api/v1/customers/merges/{merged['merge']['id']}/undo")
        )

        async def undo_waits() -> bool:
            async with db.read() as s:
                return bool(await s.scalar(_WAITING))

        await until(undo_waits, 60, "the undo to wait for a lock")
        # ... then the ticket. Had the undo moved it back already, each would now wait for the other.
        ticket = await router.session.get_one(Ticket, moved_ticket, with_for_update=True)
        assert ticket.customer_id == mail
    status, body = await undo
    assert status == 200, body
    async with db.read() as s:
        assert await s.scalar(select(Ticket.customer_id).where(Ticket.id == moved_ticket)) == sms
