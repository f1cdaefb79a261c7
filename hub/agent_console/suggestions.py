"""Knowledge suggestions pushed to the agents watching a ticket, for each inbound message."""

from __future__ import annotations

import socketio

from hub.bus import EventBus
from hub.events import MessageReceived
from hub.knowledge.base import MAX_QUERY_CHARS, KnowledgeBase
from hub.knowledge.text import guess_locale
from hub.rooms import AGENT_NAMESPACE, ticket_room

NAMESPACE = AGENT_NAMESPACE


class SuggestionFeed:
    def __init__(self, sio: socketio.AsyncServer, knowledge: KnowledgeBase) -> None:
        self._sio = sio
        self._knowledge = knowledge

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(MessageReceived, self._on_message)

    async def _on_message(self, event: MessageReceived) -> None:
        text = event.interaction.text[:MAX_QUERY_CHARS]
        locale = guess_locale(text)
        found = self._knowledge.suggest(text, locale, ticket_id=event.ticket.id)
        payload = {
            "ticket_id": event.ticket.id,
            "interaction_id": event.interaction.id,
            "locale": locale,
            # Confident ones first; "answered" false is the panel's "no confident answer".
            "answered": any(s.confident for s in found),
            "suggestions": [s.to_json() for s in sorted(found, key=lambda s: not s.confident)],
        }
        await self._sio.emit("suggestions", payload, room=ticket_room(event.ticket.id), namespace=NAMESPACE)
