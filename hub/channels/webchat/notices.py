"""What a waiting visitor is told: nobody is online, or every agent passed on the chat and we are still looking."""

from __future__ import annotations

from typing import Any

import socketio

from hub.bus import EventBus
from hub.channels.webchat.channel import NAMESPACE
from hub.channels.webchat.strings import OFFLINE_KEY, OFFLINE_SOON_KEY, STILL_LOOKING_KEY
from hub.events import TicketUpdated
from hub.events.snapshots import TicketSnapshot
from hub.knowledge.text import guess_locale
from hub.rooms import ticket_room
from hub.tickets.ingest import IngestResult
from hub.tickets.model import ACTIVE

STILL_LOOKING = {
    "en": "All our agents are busy at the moment. We are still looking for someone to help you; "
    "please stay in this chat, your messages are saved.",
    "zh": "客服暂时都在忙，我们仍在为您寻找客服，请不要离开对话，您的消息都已保存。",
}
OFFLINE = {
    "en": "No agent is online right now. Your message is saved as ticket #{ticket}; we will answer here by {when}.",
    "zh": "目前没有客服在线。您的消息已保存为工单 #{ticket}，我们会在 {when} 前在这里回复您。",
}
SOON = {"en": "as soon as possible", "zh": "尽快"}  # `text` (what the hub wrote), for widgets that show it


def language_of(ticket: TicketSnapshot, text: str = "") -> str:
    """The visitor's language as routing settled it (what they wrote, or their entry point); else a guess."""
    lang = str(ticket.requirements.get("language") or "") or guess_locale(text)
    return "zh" if lang.startswith(("zh", "yue", "cmn")) else "en"


def offline_notice(result: IngestResult, agents_online: bool, text: str) -> dict[str, Any] | None:
    if agents_online or result.ticket.status not in ACTIVE:
        return None
    lang = language_of(result.ticket, text)
    due = result.ticket.first_response_due_at
    when = due.strftime("%Y-%m-%d %H:%M UTC") if due else SOON[lang]
    return {
        "code": "agents_offline",
        "expected_by": due.isoformat() if due else None,
        "lang": lang,
        "text": OFFLINE[lang].format(ticket=result.ticket.id, when=when),
        "key": OFFLINE_KEY if due else OFFLINE_SOON_KEY,
        # `when` is left for the widget to write in the visitor's own time zone, from expected_by.
        "params": {"ticket": result.ticket.id, "expected_by": due.isoformat() if due else None},
    }


class StillLooking:
    """Routing put a chat back to waiting because every eligible agent declined or missed it: tell the visitor
    (they would otherwise watch a silent window) and when it is offered again."""

    def __init__(self, sio: socketio.AsyncServer) -> None:
        self._sio = sio

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(TicketUpdated, self._on_updated)

    async def _on_updated(self, event: TicketUpdated) -> None:
        ticket = event.ticket
        assignment = ticket.assignment
        if (
            ticket.channel != "webchat"
            or "assignment" not in event.changes
            or ticket.status not in ACTIVE
            or ticket.assignee_id is not None
            or not assignment.get("reoffer_at")
        ):
            return
        lang = language_of(ticket)
        notice = {
            "code": "still_looking",
            "lang": lang,
            "text": STILL_LOOKING[lang],
            "key": STILL_LOOKING_KEY,
            "params": {},
            "retry_at": assignment["reoffer_at"],
        }
        await self._sio.emit("notice", notice, room=ticket_room(ticket.id), namespace=NAMESPACE)
