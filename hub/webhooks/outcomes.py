"""What an attempt's answer does to its delivery and its hook: done, retried later, given up, or the hook
disabled (410 Gone at once; else after too many failures in a row), with an audit entry and an event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from hub.agents import audit
from hub.db.engine import UnitOfWork
from hub.events import WebhookDisabled
from hub.webhooks.config import WebhookConfig
from hub.webhooks.tables import Webhook, WebhookDelivery

# The wait after the 1st, 2nd, ... failed attempt; after the last the delivery has failed for good.
DELAYS = (
    timedelta(seconds=10),
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    uid: str
    webhook_id: int
    url: str
    secret: str
    event: str
    data: dict[str, Any]
    occurred_at: datetime
    attempts: int  # this one included


@dataclass(frozen=True, slots=True)
class Outcome:
    status_code: int | None
    error: str | None

    @classmethod
    def of_status(cls, code: int, location: str | None = None) -> Outcome:
        if 200 <= code < 300:
            return cls(code, None)
        if 300 <= code < 400:
            return cls(code, f"redirect to {location or '?'} not followed: save the final URL")
        return cls(code, f"answered HTTP {code}")

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def gone(self) -> bool:
        return self.status_code == 410


async def record_outcome(
    uow: UnitOfWork, item: Claimed, outcome: Outcome, now: datetime, config: WebhookConfig
) -> None:
    s = uow.session
    row = await s.get(WebhookDelivery, item.id)
    # Locked: two processes recording failures of one hook must both count.
    hook = await s.get(Webhook, item.webhook_id, with_for_update=True)
    if row is None or hook is None or row.status != "sending" or row.attempts != item.attempts:
        return  # the hook was deleted, or the lease ran out and another process took the row over
    row.last_status_code, row.last_error, row.updated_at = outcome.status_code, outcome.error, now
    if outcome.ok:
        row.status, row.delivered_at, row.next_attempt_at = "delivered", now, None
        hook.consecutive_failures, hook.failing_since = 0, None
        return
    hook.consecutive_failures += 1
    hook.failing_since = hook.failing_since or now
    if item.attempts <= len(DELAYS) and not outcome.gone:
        row.status, row.next_attempt_at = "pending", now + DELAYS[item.attempts - 1]
    else:
        row.status, row.next_attempt_at = "failed", None
    reason = None
    if outcome.gone:
        reason = "the receiver answered 410 Gone"
    elif hook.consecutive_failures >= config.disable_after_failures:
        reason = f"{hook.consecutive_failures} failed attempts in a row"
    elif now - hook.failing_since >= timedelta(hours=config.disable_after_hours):
        reason = f"failing for over {config.disable_after_hours} hours"
    if reason is not None and hook.active:
        await disable(uow, hook, f"{reason} (last: {outcome.error})", now)


async def disable(uow: UnitOfWork, hook: Webhook, reason: str, now: datetime) -> None:
    """Turns the hook off and cancels what it is still owed; admins hear of it (audit log, console event)."""
    hook.active, hook.disabled_reason, hook.updated_at = False, reason[:300], now
    await cancel_owed(uow, hook.id, now)
    audit.record(uow.session, None, "webhook.disabled", "webhook", hook.id, url=hook.url, reason=reason)
    uow.emit(WebhookDisabled(hook.id, hook.url, reason))


async def cancel_owed(uow: UnitOfWork, webhook_id: int, now: datetime) -> None:
    await uow.session.flush()
    await uow.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook_id, WebhookDelivery.status.in_(("pending", "sending")))
        .values(status="cancelled", next_attempt_at=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
