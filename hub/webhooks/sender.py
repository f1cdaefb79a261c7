"""Posts owed deliveries: claimed under a lease (PostgreSQL: FOR UPDATE SKIP LOCKED), signed, retried with
growing waits, and the hook disabled when it has failed for too long."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from sqlalchemy import select, update

from hub.background import cancel
from hub.bus import Event, EventBus
from hub.clock import utcnow
from hub.db.engine import Database
from hub.webhooks.config import WebhookConfig
from hub.webhooks.outcomes import Claimed, Outcome, record_outcome
from hub.webhooks.recorder import DeliveriesOwed
from hub.webhooks.signing import HEADER, signature
from hub.webhooks.tables import Webhook, WebhookDelivery
from hub.webhooks.targets import PublicOnlyResolver, RefusedAddress, TargetRefused, parse_target

log = logging.getLogger(__name__)
# A claimed row is due again after this if its process dies mid-send: well above the request timeout.
LEASE = timedelta(minutes=2)
BATCH = 20
POLL_S = 1.0


class WebhookSender:
    def __init__(self, db: Database, config: WebhookConfig | None = None, now: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self._config = config or WebhookConfig()
        self._now = now
        self._http: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._in_flight: set[int] = set()

    def subscribe(self, bus: EventBus) -> None:
        """Woken by a commit of this process that wrote deliveries, instead of waiting for the next poll."""
        bus.subscribe(DeliveriesOwed, self._on_event)

    async def _on_event(self, _event: Event) -> None:
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="hub-webhooks")

    async def stop(self) -> None:
        await cancel(self._task)
        self._task = None
        await self._hand_back()
        if self._http is not None:
            await self._http.close()
            self._http = None

    def _client(self) -> aiohttp.ClientSession:
        if self._http is None:
            # Names are checked on the addresses each connection uses; no proxy from the environment.
            resolver = None if self._config.allow_private_targets else PublicOnlyResolver()
            connector = aiohttp.TCPConnector(resolver=resolver, limit_per_host=4)
            self._http = aiohttp.ClientSession(connector=connector, trust_env=False)
        return self._http

    async def _run(self) -> None:
        while True:
            try:
                while await self.process_due():
                    pass
            except Exception:
                log.exception("webhook pass failed; retrying shortly")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(POLL_S):
                    await self._wake.wait()
            self._wake.clear()

    async def process_due(self) -> int:
        """Claims and posts one batch of due deliveries; returns how many were posted."""
        claimed = await self._claim()
        self._in_flight.update(c.id for c in claimed)
        try:
            outcomes = await asyncio.gather(*(self._post(c) for c in claimed))
            for item, outcome in zip(claimed, outcomes, strict=True):
                async with self._db.write() as uow:
                    await record_outcome(uow, item, outcome, self._now(), self._config)
                self._in_flight.discard(item.id)
        except asyncio.CancelledError:
            raise  # stopping: what is still in flight is handed back by stop()
        except BaseException:
            self._in_flight.difference_update(c.id for c in claimed)
            raise
        return len(claimed)

    async def _claim(self) -> list[Claimed]:
        now = self._now()
        async with self._db.write() as uow:
            rows = (
                await uow.session.execute(
                    select(WebhookDelivery, Webhook.url, Webhook.secret)
                    .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
                    .where(
                        WebhookDelivery.status.in_(("pending", "sending")),
                        WebhookDelivery.next_attempt_at <= now,
                        Webhook.active.is_(True),
                    )
                    .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
                    .limit(BATCH)
                    # Another process's claim in progress is skipped, not waited for (SQLite has one writer).
                    .with_for_update(skip_locked=True, of=WebhookDelivery)
                )
            ).all()
            if not rows:
                return []
            # Only rows still due are taken (the condition again, checked by the write itself): where no row lock
            # is taken, a row another process claimed since the read is left to it.
            taken = set(
                await uow.session.scalars(
                    update(WebhookDelivery)
                    .where(
                        WebhookDelivery.id.in_([row.id for row, _, _ in rows]),
                        WebhookDelivery.status.in_(("pending", "sending")),
                        WebhookDelivery.next_attempt_at <= now,
                    )
                    .values(status="sending", attempts=WebhookDelivery.attempts + 1, next_attempt_at=now + LEASE)
                    .returning(WebhookDelivery.id)
                    .execution_options(synchronize_session=False)
                )
            )
            return [
                Claimed(
                    row.id, row.uid, row.webhook_id, url, secret, row.event, row.data, row.occurred_at, row.attempts + 1
                )
                for row, url, secret in rows
                if row.id in taken
            ]

    async def _post(self, item: Claimed) -> Outcome:
        body = json.dumps(
            {"id": item.uid, "event": item.event, "occurred_at": item.occurred_at.isoformat(), "data": item.data},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "hub-webhooks/1",
            "X-Hub-Event": item.event,
            "X-Hub-Delivery": item.uid,
            HEADER: signature(item.secret, int(self._now().timestamp()), body),
        }
        try:
            # A literal address never reaches the resolver: checked here, as names are there.
            parse_target(item.url, allow_private=self._config.allow_private_targets)
            timeout = aiohttp.ClientTimeout(total=self._config.timeout_s)
            async with self._client().post(
                item.url, data=body, headers=headers, allow_redirects=False, timeout=timeout
            ) as response:
                return Outcome.of_status(response.status, response.headers.get("Location"))
        except TargetRefused as exc:
            return Outcome(None, f"refused target: {exc}")
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            return Outcome(None, _describe(exc))

    async def _hand_back(self) -> None:
        """Deliveries claimed but not recorded are due again at once, for any process, not after the lease."""
        if not self._in_flight:
            return
        ids, self._in_flight = list(self._in_flight), set()
        async with self._db.write() as uow:
            await uow.session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id.in_(ids), WebhookDelivery.status == "sending")
                .values(status="pending", next_attempt_at=self._now())
                .execution_options(synchronize_session=False)
            )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    refused = exc.os_error if isinstance(exc, aiohttp.ClientConnectorError) else exc
    if isinstance(refused, RefusedAddress):
        return f"refused target: {refused.args[0]}"
    text: Any = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:500]
