"""Writes the deliveries a transaction's events owe, inside that transaction: an event that rolls back owes
nothing, and a committed one is never lost (the sender posts the rows later, from any process)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Boolean, ColumnElement, Select, String, exists, func, insert, literal, select, union_all

from hub.bus import Event
from hub.clock import utcnow
from hub.db.engine import Database, UnitOfWork
from hub.db.types import JSONType, UTCDateTime
from hub.webhooks.active import ActiveHooks, active_hooks
from hub.webhooks.catalog import names_of, payloads_of
from hub.webhooks.tables import Webhook, WebhookDelivery

# Deliveries per INSERT: SQLite takes at most 500 SELECTs in one compound statement.
CHUNK = 100
_COLUMNS = ("uid", "webhook_id", "event", "data", "occurred_at", "status", "attempts", "next_attempt_at",
            "created_at", "updated_at")  # fmt: skip


@dataclass(frozen=True, slots=True)
class DeliveriesOwed(Event):
    """A commit wrote deliveries: this process's sender posts them now (other processes find them by polling)."""

    name: ClassVar[str] = "webhook.deliveries_owed"
    count: int


class DeliveryRecorder:
    """The database's before-commit hook for webhooks (install() puts it there)."""

    def __init__(self, now: Callable[[], datetime] = utcnow) -> None:
        self._now = now
        self._hooks = ActiveHooks()

    def install(self, db: Database) -> None:
        self._hooks = active_hooks(db)
        if self not in db.before_commit:
            db.before_commit.append(self)

    async def __call__(self, uow: UnitOfWork) -> None:
        carried = [(event, names) for event in uow.events if (names := names_of(event))]
        if not carried:
            return
        hooks = await self._hooks.current(uow.session)  # from memory unless a hook changed (active.py)
        wanted = frozenset().union(*(hook.events for hook in hooks))
        # Payloads (snapshots turned to JSON) only for events some hook takes: most hubs have few or no hooks,
        # and building them for every contact was a seventieth of the inbound path's CPU.
        payloads = [p for e, names in carried if wanted.intersection(names) for p in payloads_of(e) if p[0] in wanted]
        owed = [(hook.id, name, data) for name, data in payloads for hook in hooks if name in hook.events]
        if not owed:
            return
        postgres = uow.session.get_bind().dialect.name == "postgresql"
        now, written = self._now(), 0
        for start in range(0, len(owed), CHUNK):
            chunk = owed[start : start + CHUNK]
            rows = [_delivery(hook_id, name, data, now, postgres) for hook_id, name, data in chunk]
            source = rows[0] if len(rows) == 1 else union_all(*rows)
            result = await uow.session.execute(insert(WebhookDelivery).from_select(_COLUMNS, source))
            written += max(0, int(getattr(result, "rowcount", 0) or 0))
        if written < len(owed):
            self._hooks.invalidate()  # a hook it named is gone, off or narrower: read them again next time
        if written:
            # Published after the commit, with the transaction's other events: the sender wakes for writes that
            # owe something, not for every event (a claim with nothing to claim was three round trips).
            uow.emit(DeliveriesOwed(written))


def _delivery(hook_id: int, name: str, data: Any, now: datetime, postgres: bool) -> Select[Any]:
    """One delivery, taken from the hook's row as the writing transaction sees it: none for a hook removed,
    turned off or no longer subscribed to the event since this process cached it."""
    at = literal(now, UTCDateTime)
    values = (literal(str(uuid.uuid4()), String), Webhook.id, literal(name, String), literal(data, JSONType), at,
              literal("pending", String), literal(0), at, at, at)  # fmt: skip
    return select(*values).where(Webhook.id == hook_id, Webhook.active.is_(True), _subscribed(name, postgres))


def _subscribed(name: str, postgres: bool) -> ColumnElement[bool]:
    if postgres:  # events is JSONB there
        return func.jsonb_exists(Webhook.events, literal(name, String), type_=Boolean)
    each = func.json_each(Webhook.events).table_valued("value")
    return exists().where(each.c.value == name)
