"""Hook changes between processes through Redis (HUB_REDIS_URL): before a hook change commits, every process
holds its hook cache and says so; after it, every process reads the hooks again (see active.py for why).

A hold is published and the changer waits until as many processes acknowledged it as Redis delivered it to
(at most ACK_WAIT_S: one that does not answer in time is cut off from Redis or stuck, and is bounded by
active.MAX_AGE_S). A process whose subscription is down does not trust its cache until it is subscribed again."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any

from hub.background import cancel
from hub.bus import EventBus
from hub.events import WebhookDisabled
from hub.webhooks.active import ActiveHooks

log = logging.getLogger(__name__)
CHANNEL = "hub:webhooks"
ACK_WAIT_S = 2.0
KINDS = ("hold", "release", "changed")


def _ack_key(token: str) -> str:
    return f"{CHANNEL}:ack:{token}"


class HookAnnouncer:
    """Tells the other processes of this one's hook changes and, when listening (a serving process), applies
    theirs to this process's cache. The command line only tells (listen=False)."""

    def __init__(self, url: str, hooks: ActiveHooks, *, listen: bool = True) -> None:
        self._url = url
        self._hooks = hooks
        self._listen_too = listen
        self.origin = uuid.uuid4().hex
        self._client: Any = None
        self._task: asyncio.Task[None] | None = None
        self.heard = 0  # holds, releases and changes heard from other processes

    def subscribe(self, bus: EventBus) -> None:
        """A hook the sender turned off (it kept failing) is read again everywhere, not only at MAX_AGE_S."""
        bus.subscribe(WebhookDisabled, self._on_disabled)

    async def start(self) -> None:
        import redis.asyncio as redis

        self._client = redis.from_url(self._url)
        self._hooks.announce = self.announce
        if self._listen_too:
            self._hooks.listening = False  # until the subscription is confirmed
            self._task = asyncio.create_task(self._listen(), name="hub-webhook-hooks")

    async def stop(self) -> None:
        self._hooks.announce = None
        await cancel(self._task)
        self._task = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _on_disabled(self, _event: WebhookDisabled) -> None:
        self._hooks.invalidate()
        await self.announce("changed", uuid.uuid4().hex)

    async def announce(self, kind: str, token: str) -> None:
        """Best effort: with Redis away the others are bounded by MAX_AGE_S, and this change still commits."""
        if self._client is None:
            return
        try:
            message = json.dumps({"kind": kind, "token": token, "origin": self.origin})
            receivers = int(await self._client.publish(CHANNEL, message))
            if kind == "hold":
                await self._acknowledged(token, receivers)
        except Exception as exc:
            log.warning("could not tell the other processes of a webhook change: %s", exc)

    async def _acknowledged(self, token: str, receivers: int) -> None:
        loop = asyncio.get_running_loop()
        deadline, heard = loop.time() + ACK_WAIT_S, 0
        try:
            while heard < receivers:
                left = deadline - loop.time()
                if left <= 0:
                    log.warning("%d of %d processes did not hold their webhooks in time", receivers - heard, receivers)
                    return
                if await self._client.blpop([_ack_key(token)], timeout=max(0.01, left)) is not None:
                    heard += 1
        finally:
            await self._client.delete(_ack_key(token))

    async def _heard(self, data: dict[str, Any]) -> None:
        kind, token = data.get("kind"), data.get("token")
        if kind not in KINDS or not isinstance(token, str):
            return
        self.heard += data.get("origin") != self.origin
        if kind == "hold":
            self._hooks.hold(token)
            # After the hold is in place: the changer commits only once it has heard every process.
            await self._client.rpush(_ack_key(token), self.origin)
            await self._client.expire(_ack_key(token), 60)
        elif kind == "release":
            self._hooks.release(token)
        else:
            self._hooks.invalidate()

    async def _listen(self) -> None:
        backoff = 0.5
        while True:
            pubsub = self._client.pubsub()
            try:
                await pubsub.subscribe(CHANNEL)
                async for message in pubsub.listen():
                    if message.get("type") == "subscribe":
                        # Changes made while this process was not subscribed were not heard: read afresh.
                        self._hooks.invalidate()
                        self._hooks.listening, backoff = True, 0.5
                    elif message.get("type") == "message":
                        await self._heard(json.loads(message["data"]))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("webhook changes from other processes: %s; reconnecting in %.1f s", exc, backoff)
            finally:
                self._hooks.listening = False
                try:
                    await pubsub.aclose()
                except Exception:  # the connection is gone already
                    log.debug("closing the webhook subscription failed", exc_info=True)
            await asyncio.sleep(backoff)
            backoff = min(30.0, backoff * 2)
