"""Events between hub processes through Redis (HUB_REDIS_URL): a ticket created or put back to waiting in
one process is routed at once by the others too, whose engines see the agents connected to them.

Best effort by design: the database is the truth, each engine's drains find waiting tickets anyway, and
row locks keep two engines from assigning one ticket twice. Messages are tiny (a ticket id)."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any

from hub.background import cancel
from hub.bus import EventBus
from hub.events import TicketCreated, TicketUpdated
from hub.routing import offers
from hub.routing.engine import RoutingEngine
from hub.tickets import ACTIVE

log = logging.getLogger(__name__)
CHANNEL = "hub:route"


class RedisBridge:
    def __init__(self, url: str, routing: RoutingEngine) -> None:
        self._url = url
        self._routing = routing
        self.origin = uuid.uuid4().hex  # this process: its own messages are not routed twice here
        self._client: Any = None
        self._task: asyncio.Task[None] | None = None
        self.received = 0

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(TicketCreated, self._on_created)
        bus.subscribe(TicketUpdated, self._on_updated)

    async def start(self) -> None:
        import redis.asyncio as redis

        self._client = redis.from_url(self._url)
        self._task = asyncio.create_task(self._listen(), name="hub-redis-bridge")

    async def stop(self) -> None:
        await cancel(self._task)
        if self._client is not None:
            await self._client.aclose()

    async def _on_created(self, event: TicketCreated) -> None:
        await self._publish(event.ticket.id)

    async def _on_updated(self, event: TicketUpdated) -> None:
        ticket = event.ticket
        back = "assignee_id" in event.changes and ticket.assignment.get("state") == offers.WAITING
        if ticket.assignee_id is None and ticket.status in ACTIVE and (back or "status" in event.changes):
            await self._publish(ticket.id)

    async def _publish(self, ticket_id: int) -> None:
        if self._client is None:
            return
        try:
            await self._client.publish(CHANNEL, json.dumps({"origin": self.origin, "ticket": ticket_id}))
        except Exception as exc:  # Redis away: the other engines' drains will find the ticket
            log.warning("could not tell the other processes about ticket %s: %s", ticket_id, exc)

    async def _listen(self) -> None:
        backoff = 0.5
        while True:
            pubsub = self._client.pubsub()
            try:
                await pubsub.subscribe(CHANNEL)
                backoff = 0.5
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    data = json.loads(message["data"])
                    if data.get("origin") != self.origin and isinstance(data.get("ticket"), int):
                        self.received += 1
                        self._routing.enqueue(data["ticket"])
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("Redis bridge: %s; reconnecting in %.1f s", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(30.0, backoff * 2)
            finally:
                try:
                    await pubsub.aclose()
                except Exception:  # the connection is gone already
                    log.debug("Redis bridge: closing the subscription failed", exc_info=True)
