"""Read receipts for the visitor: the agent's console says it showed a chat's messages, the widget marks them read.

The console emits `seen` {ticket_id, up_to} on /agent for a ticket it has open (watched), once the messages are on
screen; the chat's visitors hear `read` {ticket_id, up_to}: every message of theirs up to that id was read.
"""

from __future__ import annotations

from typing import Any

import socketio

from hub.rooms import AGENT_NAMESPACE, VISITOR_NAMESPACE, ticket_room

MAX_ID = 2**63 - 1


def _positive_id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID else None


class ReadReceipts:
    def __init__(self, sio: socketio.AsyncServer) -> None:
        self._sio = sio

    def register(self) -> None:
        # An event handler of its own on the console's namespace: the console's class keeps every other event.
        self._sio.on("seen", self.on_seen, namespace=AGENT_NAMESPACE)

    async def on_seen(self, sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        ticket_id = _positive_id(data.get("ticket_id")) if isinstance(data, dict) else None
        up_to = _positive_id(data.get("up_to")) if isinstance(data, dict) else None
        if ticket_id is None or up_to is None:
            return {"ok": False, "error": 'send {"ticket_id": <id>, "up_to": <the last message id shown>}'}
        if ticket_room(ticket_id) not in self._sio.rooms(sid, namespace=AGENT_NAMESPACE):
            return {"ok": False, "error": "watch the ticket first"}  # only what the console has open was seen
        payload = {"ticket_id": ticket_id, "up_to": up_to}
        await self._sio.emit("read", payload, room=ticket_room(ticket_id), namespace=VISITOR_NAMESPACE)
        return {"ok": True}
