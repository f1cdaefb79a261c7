"""Reads on PostgreSQL run without a transaction around them (no BEGIN and ROLLBACK round trips), and writes keep
theirs, on the same pooled connections."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from hub.db.engine import Database
from hub.db.models import Queue

NOW = text("SELECT transaction_timestamp(), pg_sleep(0.001)")


async def test_each_statement_of_a_read_is_its_own_transaction_and_a_write_is_one(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite reads are unchanged: one transaction each, as before")
    for _ in range(3):
        async with db.read() as s:
            first = (await s.execute(NOW)).scalar()
            second = (await s.execute(NOW)).scalar()
            assert first != second  # a transaction would have given both statements its start time
    async with db.write() as uow:  # the connection the reads used is in a transaction again for a write
        first = (await uow.session.execute(NOW)).scalar()
        second = (await uow.session.execute(NOW)).scalar()
        assert first == second


async def test_a_read_sees_what_was_committed_before_it(db: Database) -> None:
    async with db.write() as uow:
        uow.session.add(Queue(name="read-sessions", display_name="Read sessions"))
    async with db.read() as s:
        assert await s.scalar(select(Queue.display_name).where(Queue.name == "read-sessions")) == "Read sessions"


async def test_a_streamed_read_has_its_transaction_for_the_cursor(db: Database) -> None:
    async with db.write() as uow:
        for n in range(3):
            uow.session.add(Queue(name=f"streamed-{n}", display_name=f"Streamed {n}"))
    async with db.read_streamed() as s:  # PostgreSQL refuses a server-side cursor outside a transaction
        rows = await s.stream(select(Queue.name).where(Queue.name.like("streamed-%")).order_by(Queue.name))
        assert [name async for name in rows.scalars()] == ["streamed-0", "streamed-1", "streamed-2"]
