"""Configured queues mirrored into the database at start-up."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import select

from hub.db.engine import Database
from hub.db.models import Queue
from hub.db.upserts import insert_for
from hub.tickets.calendar_table import StoredCalendar

if TYPE_CHECKING:  # settings sit above the domain: it is handed the queues
    from hub.settings import QueueConfig


class UnknownCalendar(LookupError):
    """hub.toml gives a queue a calendar that neither the file nor an admin made."""

    def __init__(self, queue: str, calendar: str) -> None:
        super().__init__(f"queue {queue!r} names calendar {calendar!r}, which does not exist")
        self.queue, self.calendar = queue, calendar


async def sync_queues(db: Database, configured: Iterable[QueueConfig]) -> None:
    """Create missing queues and refresh display names; never delete (tickets point at them). What admins set
    through the API (calendar, auto-assignment, members) stays: the file only fills in a calendar not yet chosen.
    Queues admins made are left alone."""
    configured = list(configured)
    if not configured:
        return
    insert = insert_for(db.is_sqlite)
    async with db.write() as uow:
        # Checked against the stored calendars (hub.toml's are mirrored in first), so a queue in the file may
        # count in a calendar an admin made through the API; nothing is written when one does not exist.
        known = set(await uow.session.scalars(select(StoredCalendar.name)))
        for cfg in configured:
            if cfg.calendar is not None and cfg.calendar not in known:
                raise UnknownCalendar(cfg.name, cfg.calendar)
        # Several processes start together against one new database: each adds what is missing, and a queue
        # another one added meanwhile is simply there (not a unique-name error that stops this process).
        rows = [
            {"name": c.name, "display_name": c.display_name, "calendar": c.calendar, "auto_assign": c.auto_assign,
             "configured": True}
            for c in configured
        ]  # fmt: skip
        await uow.session.execute(insert(Queue).values(rows).on_conflict_do_nothing(index_elements=[Queue.name]))
        existing = {q.name: q for q in await uow.session.scalars(select(Queue))}
        for cfg in configured:
            queue = existing[cfg.name]
            if not queue.configured:
                continue  # an admin's queue, named in the file later: the admin's settings win
            if queue.display_name != cfg.display_name:
                queue.display_name = cfg.display_name
            if queue.calendar is None and cfg.calendar is not None:
                queue.calendar = cfg.calendar
