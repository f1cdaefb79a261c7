"""Saving, changing and removing webhooks, and reading their deliveries (for the REST API and the CLI)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from hub.agents import audit
from hub.agents.accounts import Principal
from hub.clock import utcnow
from hub.db.engine import Database
from hub.webhooks.active import active_hooks
from hub.webhooks.catalog import EVENT_NAMES
from hub.webhooks.outcomes import cancel_owed
from hub.webhooks.signing import new_secret
from hub.webhooks.tables import Webhook, WebhookDelivery
from hub.webhooks.targets import TargetRefused, check_target
from hub.wording import Worded


class WebhookError(Worded, ValueError):
    """A hook that cannot be saved as asked (the message names the field and why)."""


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def hook_json(hook: Webhook) -> dict[str, Any]:
    """A hook as the API shows it: never its secret (shown once, when it is made)."""
    return {
        "id": hook.id,
        "url": hook.url,
        "events": list(hook.events),
        "description": hook.description,
        "active": hook.active,
        "disabled_reason": hook.disabled_reason,
        "consecutive_failures": hook.consecutive_failures,
        "failing_since": _iso(hook.failing_since),
        "created_by": hook.created_by,
        "created_at": _iso(hook.created_at),
        "updated_at": _iso(hook.updated_at),
    }


def delivery_json(row: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": row.id,
        "delivery_id": row.uid,
        "event": row.event,
        "status": row.status,
        "attempts": row.attempts,
        "last_status_code": row.last_status_code,
        "last_error": row.last_error,
        "next_attempt_at": _iso(row.next_attempt_at) if row.status in ("pending", "sending") else None,
        "occurred_at": _iso(row.occurred_at),
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
        "delivered_at": _iso(row.delivered_at),
    }


def checked_events(events: Sequence[str]) -> list[str]:
    unknown = [e for e in events if e not in EVENT_NAMES]
    if unknown:
        raise WebhookError(
            "events: unknown event '%(event)s'; use %(choices)s", event=unknown[0], choices=", ".join(EVENT_NAMES)
        )
    if not events:
        raise WebhookError("events: name at least one event")
    return list(dict.fromkeys(events))


async def checked_url(url: str, allow_private: bool) -> str:
    try:
        return str(await check_target(url.strip(), allow_private=allow_private))
    except TargetRefused as exc:
        raise WebhookError(exc.wording.key, **exc.wording.params) from None


async def create(
    db: Database,
    actor: Principal | None,
    *,
    url: str,
    events: Sequence[str],
    allow_private: bool,
    secret: str | None = None,
    description: str = "",
    active: bool = True,
) -> tuple[dict[str, Any], str]:
    """The new hook and its secret (generated when not given)."""
    hook = Webhook(
        url=await checked_url(url, allow_private),
        events=checked_events(events),
        secret=secret or new_secret(),
        description=description,
        active=active,
        consecutive_failures=0,
        created_by=actor.name if actor else "cli",
    )
    # Every process reads the hooks per write until this commits: its next events reach the new hook.
    async with active_hooks(db).changing(), db.write() as uow:
        uow.session.add(hook)
        await uow.session.flush()
        audit.record(uow.session, actor, "webhook.created", "webhook", hook.id, url=hook.url, events=hook.events)
        return hook_json(hook), hook.secret


async def list_hooks(db: Database) -> list[dict[str, Any]]:
    async with db.read() as s:
        return [hook_json(h) for h in await s.scalars(select(Webhook).order_by(Webhook.id))]


async def get_hook(db: Database, hook_id: int) -> dict[str, Any] | None:
    async with db.read() as s:
        hook = await s.get(Webhook, hook_id)
        return hook_json(hook) if hook else None


async def change(
    db: Database, actor: Principal | None, hook_id: int, fields: dict[str, Any], allow_private: bool
) -> dict[str, Any] | None:
    """Changes url, events, description, secret or active; turning a hook on again starts its failure count
    afresh, turning it off cancels what it is owed. None when there is no such hook."""
    if "url" in fields:
        fields["url"] = await checked_url(fields["url"], allow_private)
    if "events" in fields:
        fields["events"] = checked_events(fields["events"])
    now = utcnow()
    async with active_hooks(db).changing(), db.write() as uow:
        hook = await uow.session.get(Webhook, hook_id, with_for_update=True)
        if hook is None:
            return None
        was_active = hook.active
        for name, value in fields.items():
            setattr(hook, name, value)
        if hook.active and not was_active:
            hook.consecutive_failures, hook.failing_since, hook.disabled_reason = 0, None, None
        elif was_active and not hook.active:
            hook.disabled_reason = "turned off"
            await cancel_owed(uow, hook.id, now)
        hook.updated_at = now
        changed = sorted(k for k in fields if k != "secret") + (["secret"] if "secret" in fields else [])
        audit.record(uow.session, actor, "webhook.changed", "webhook", hook.id, changed=changed)
        return hook_json(hook)


async def remove(db: Database, actor: Principal | None, hook_id: int) -> bool:
    async with active_hooks(db).changing(), db.write() as uow:
        hook = await uow.session.get(Webhook, hook_id)
        if hook is None:
            return False
        audit.record(uow.session, actor, "webhook.removed", "webhook", hook.id, url=hook.url)
        await uow.session.delete(hook)
        return True


async def deliveries(
    db: Database, hook_id: int, limit: int, before: int | None = None
) -> tuple[list[dict[str, Any]], int | None] | None:
    """A page of the hook's deliveries, newest first, and the cursor of the next page (None at the end)."""
    async with db.read() as s:
        if await s.get(Webhook, hook_id) is None:
            return None
        query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook_id)
        if before is not None:
            query = query.where(WebhookDelivery.id < before)
        rows = list(await s.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return [delivery_json(r) for r in rows], rows[-1].id if more else None
