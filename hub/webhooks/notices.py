"""Admins hear at once when a webhook is disabled: a `webhook.disabled` console event to supervisors' consoles
(the audit log keeps it too: hub/webhooks/outcomes.py)."""

from __future__ import annotations

from typing import Any, Protocol

from hub.bus import EventBus
from hub.events import WebhookDisabled
from hub.rooms import AGENT_NAMESPACE, SUPERVISORS_ROOM


class Emitter(Protocol):
    async def emit(
        self, event: str, data: Any = None, *, room: str | None = None, namespace: str | None = None
    ) -> None: ...


class DisabledNotices:
    def __init__(self, sio: Emitter) -> None:
        self._sio = sio

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(WebhookDisabled, self._disabled)

    async def _disabled(self, event: WebhookDisabled) -> None:
        payload = {"webhook_id": event.webhook_id, "url": event.url, "reason": event.reason}
        await self._sio.emit("webhook.disabled", payload, room=SUPERVISORS_ROOM, namespace=AGENT_NAMESPACE)
