"""Events between hub processes through Redis (HUB_REDIS_URL): a ticket created or put back to waiting in
one process is routed at once by the others too, whose engines see the agents connected to them.

A credential taken back in one process (agent deactivated, token revoked, signed out) closes the console
sockets opened with it in every process at once. A business-hours calendar an admin changed is read again by
every process, so the next ticket's SLA due times use it wherever it opens.

Best effort by design: the database is the truth, each engine's drains find waiting tickets anyway, and
row locks keep two engines from assigning one ticket twice. Messages are tiny (a ticket id)."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from hub.background import cancel
from hub.bus import EventBus
from hub.events import CalendarChanged, CredentialsRevoked, TicketCreated, TicketUpdated
from hub.routing import offers
from hub.routing.engine import RoutingEngine
from hub.tickets.model import ACTIVE

log = logging.getLogger(__name__)
CHANNEL = "hub:route"
REVOKED = "hub:revoked"
CALENDARS = "hub:calendars"


class RedisBridge:
    def __init__(
        self,
        url: str,
        routing: RoutingEngine,
        on_revoked: Callable[[CredentialsRevoked], Awaitable[None]] | None = None,
        on_calendars: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._url = url
        self._routing = routing
        self._on_revoked = on_revoked
        self._on_calendars = on_calendars
        self.origin = uuid.uuid4().hex  # this process: its own messages are not routed twice here
        self._client: Any = None
        self._task: asyncio.Task[None] | None = None
        self.received = 0

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(TicketCreated, self._on_created)
        bus.subscribe(TicketUpdated, self._on_updated)
        bus.subscribe(CredentialsRevoked, self._on_credentials_revoked)
        bus.subscribe(CalendarChanged, self._on_calendar_changed)

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

    async def _on_credentials_revoked(self, event: CredentialsRevoked) -> None:
        if self._client is None:
            return
        message = {"origin": self.origin, **revocation_message(event)}
        try:
            await self._client.publish(REVOKED, json.dumps(message))
        except Exception as exc:  # Redis away: the other processes' socket sweeps close them a little later
            log.warning("could not tell the other processes about revoked credentials: %s", exc)

    async def _on_calendar_changed(self, event: CalendarChanged) -> None:
        if self._client is None:
            return
        try:
            await self._client.publish(CALENDARS, json.dumps({"origin": self.origin, "calendar": event.calendar}))
        except Exception as exc:  # Redis away: the others read the calendars again when they restart
            log.warning("could not tell the other processes about calendar %r: %s", event.calendar, exc)

    async def _revoked_elsewhere(self, data: dict[str, Any]) -> None:
        if self._on_revoked is None or data.get("origin") == self.origin:
            return
        agent_id, token_id, sessions = data.get("agent_id"), data.get("token_id"), data.get("sessions", [])
        await self._on_revoked(
            CredentialsRevoked(
                agent_id=agent_id if isinstance(agent_id, int) else None,
                token_id=token_id if isinstance(token_id, int) else None,
                session_hashes=tuple(h for h in sessions if isinstance(h, str)) if isinstance(sessions, list) else (),
            )
        )

    async def _listen(self) -> None:
        backoff = 0.5
        while True:
            pubsub = self._client.pubsub()
            try:
                await pubsub.subscribe(CHANNEL, REVOKED, CALENDARS)
                backoff = 0.5
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    data = json.loads(message["data"])
                    if message.get("channel") in (REVOKED, REVOKED.encode()):
                        await self._revoked_elsewhere(data)
                        continue
                    if message.get("channel") in (CALENDARS, CALENDARS.encode()):
                        if data.get("origin") != self.origin and self._on_calendars is not None:
                            await self._on_calendars()
                        continue
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


def revocation_message(event: CredentialsRevoked) -> dict[str, Any]:
    return {"agent_id": event.agent_id, "token_id": event.token_id, "sessions": list(event.session_hashes)}


async def announce_revocation(url: str, event: CredentialsRevoked) -> None:
    """From a process without a bridge (the hub command): tell the serving processes to close the sockets."""
    import redis.asyncio as redis

    client = redis.from_url(url)
    try:
        await client.publish(REVOKED, json.dumps({"origin": "cli", **revocation_message(event)}))
    finally:
        await client.aclose()


async def announce_calendars(url: str, calendar: str) -> None:
    """From a process without a bridge (the hub command): tell the serving processes to read the calendars again."""
    import redis.asyncio as redis

    client = redis.from_url(url)
    try:
        await client.publish(CALENDARS, json.dumps({"origin": "cli", "calendar": calendar}))
    finally:
        await client.aclose()
