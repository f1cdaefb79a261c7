"""Writes the deliveries a transaction's events owe, inside that transaction: an event that rolls back owes
nothing, and a committed one is never lost (the sender posts the rows later, from any process)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import insert, select

from hub.bus import Event
from hub.clock import utcnow
from hub.db.engine import Database, UnitOfWork
from hub.webhooks.catalog import payloads_of
from hub.webhooks.tables import Webhook, WebhookDelivery


@dataclass(frozen=True, slots=True)
class DeliveriesOwed(Event):
    """A commit wrote deliveries: this process's sender posts them now (other processes find them by polling)."""

    name: ClassVar[str] = "webhook.deliveries_owed"
    count: int


class DeliveryRecorder:
    """The database's before-commit hook for webhooks (install() puts it there)."""

    def __init__(self, now: Callable[[], datetime] = utcnow) -> None:
        self._now = now

    def install(self, db: Database) -> None:
        if self not in db.before_commit:
            db.before_commit.append(self)

    async def __call__(self, uow: UnitOfWork) -> None:
        payloads = [p for event in uow.events for p in payloads_of(event)]
        if not payloads:
            return
        # Few hooks, read in the transaction: one saved or disabled a moment ago is seen by this write.
        hooks = (await uow.session.execute(select(Webhook.id, Webhook.events).where(Webhook.active.is_(True)))).all()
        if not hooks:
            return
        now = self._now()
        rows: list[dict[str, Any]] = [
            {
                "uid": str(uuid.uuid4()),
                "webhook_id": hook_id,
                "event": name,
                "data": data,
                "occurred_at": now,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
                "updated_at": now,
            }
            for name, data in payloads
            for hook_id, events in hooks
            if name in events
        ]
        if rows:
            await uow.session.execute(insert(WebhookDelivery), rows)
            # Published after the commit, with the transaction's other events: the sender wakes for writes that
            # owe something, not for every event (a claim with nothing to claim was three round trips).
            uow.emit(DeliveriesOwed(len(rows)))
