"""Processes starting together mirror the configured queues once each, without one of them failing to start."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, text

from hub.bus import EventBus
from hub.db.engine import Database
from hub.db.models import Queue
from hub.settings import QueueConfig, Settings
from hub.tickets.queues import sync_queues
from tests.waiting import until

NIGHT = (QueueConfig("night-desk", "Night desk 夜班"), QueueConfig("returns", "Returns"))


async def test_a_queue_another_process_is_adding_is_taken_as_there(settings: Settings, db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite has one writer at a time: two start-ups cannot add the same queue together")
    second = Database(settings.database_url, EventBus())
    try:
        # The first process has added "night-desk" and not yet committed when the second one adds it too.
        async with db.write() as first:
            first.session.add(Queue(name="night-desk", display_name="Night desk 夜班", configured=True))
            await first.session.flush()
            starting = asyncio.create_task(sync_queues(second, NIGHT))

            async def second_waits() -> bool:
                async with db.read() as s:
                    waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    return bool(await s.scalar(text(waiting)))

            await until(second_waits, 60, "the second start-up to wait for the first one's queue")
        await starting  # no unique-name error: the queue the first process added is simply there
        async with db.read() as s:
            counts = dict((await s.execute(select(Queue.name, func.count()).group_by(Queue.name))).all())
        assert counts["night-desk"] == 1 and counts["returns"] == 1
    finally:
        await second.dispose()


async def test_configured_queues_are_added_once_and_renamed_in_place(db: Database) -> None:
    await sync_queues(db, NIGHT)
    await sync_queues(db, (QueueConfig("night-desk", "Night shift 夜班"), *NIGHT[1:]))
    async with db.read() as s:
        rows = (
            await s.execute(select(Queue.name, Queue.display_name).where(Queue.name.in_(["night-desk", "returns"])))
        ).all()
    assert sorted(rows) == [("night-desk", "Night shift 夜班"), ("returns", "Returns")]
