"""Configured queues mirrored into the database at start-up."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import select

from hub.db.engine import Database
from hub.db.models import Queue

if TYPE_CHECKING:  # settings sit above the domain: it is handed the queues
    from hub.settings import QueueConfig


async def sync_queues(db: Database, configured: Iterable[QueueConfig]) -> None:
    """Create missing queues and refresh display names; never delete (tickets point at them). What admins set
    through the API (calendar, auto-assignment, members) stays: the file only fills in a calendar not yet chosen.
    Queues admins made are left alone."""
    async with db.write() as uow:
        existing = {q.name: q for q in await uow.session.scalars(select(Queue))}
        for cfg in configured:
            queue = existing.get(cfg.name)
            if queue is None:
                uow.session.add(Queue(name=cfg.name, display_name=cfg.display_name, calendar=cfg.calendar,
                                      auto_assign=cfg.auto_assign, configured=True))  # fmt: skip
                continue
            if not queue.configured:
                continue  # an admin's queue, named in the file later: the admin's settings win
            if queue.display_name != cfg.display_name:
                queue.display_name = cfg.display_name
            if queue.calendar is None and cfg.calendar is not None:
                queue.calendar = cfg.calendar
