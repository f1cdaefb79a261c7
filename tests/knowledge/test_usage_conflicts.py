"""Knowledge usage rows (suggestions shown, questions with no confident answer) name their tickets: a batch that
PostgreSQL undoes to break a deadlock with another writer of those tickets is written again, not dropped."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, text

from hub import keys
from hub.db.engine import Database
from hub.db.models import Ticket
from hub.knowledge.tables import UnansweredQuery
from tests.conftest import Hub
from tests.tickets.test_search import ingest
from tests.waiting import until

_WAITING = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")


async def test_a_usage_batch_undone_by_a_deadlock_is_written_again(hub: Hub, db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite has one writer at a time: no row locks, no deadlocks")
    first = await ingest(hub, 1, "zzqx one")
    second = await ingest(hub, 2, "zzqx two")
    kb = hub.app[keys.KNOWLEDGE]
    await kb.flush()  # what the contacts themselves logged
    async with db.read() as s:
        before = await s.scalar(select(func.count()).select_from(UnansweredQuery)) or 0
    for ticket_id in (first, second):  # no article answers these: each logs an unanswered question
        kb.suggest("zzqx qqzz?", "en", ticket_id=ticket_id)
    # Another writer holds the second ticket, the flush takes the first and waits for it; then the other writer
    # asks for the first: a cycle, and PostgreSQL undoes the flush (it has waited longest).
    async with db.write() as other:
        await other.session.get_one(Ticket, second, with_for_update=True)
        flushing = asyncio.create_task(kb.flush())

        async def flush_waits() -> bool:
            async with db.read() as s:
                return bool(await s.scalar(_WAITING))

        await until(flush_waits, 60, "the flush to wait for the second ticket")
        await other.session.get_one(Ticket, first, with_for_update=True)
    await flushing
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(UnansweredQuery)) == before + 2
