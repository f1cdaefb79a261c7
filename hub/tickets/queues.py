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
    """Create missing queues and refresh display names; never delete (tickets point at them)."""
    async with db.write() as uow:
        existing = {q.name: q for q in await uow.session.scalars(select(Queue))}
        for cfg in configured:
            queue = existing.get(cfg.name)
            if queue is None:
                uow.session.add(Queue(name=cfg.name, display_name=cfg.display_name))
            elif queue.display_name != cfg.display_name:
                queue.display_name = cfg.display_name
