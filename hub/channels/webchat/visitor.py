"""The /visitor socket.io namespace: connect or resume, send, typing; stored before acknowledged."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import socketio

from hub.channels.base import InboundRejected
from hub.channels.webchat.channel import (
    NAMESPACE,
    VisitorMessage,
    WebchatChannel,
    clean_profile,
    new_visitor_token,
    ticket_room,
    visitor_key,
    visitor_room,
)
from hub.customers.history import conversation
from hub.customers.identities import find_customer
from hub.db.engine import Database
from hub.db.models import Interaction
from hub.envelopes import IdentityRef
from hub.ingest import Ingestor, IngestResult
from hub.ops.limits import SenderLimiter
from hub.tickets import ACTIVE

log = logging.getLogger(__name__)
HISTORY_LIMIT = 100
_TOPIC = re.compile(r"[A-Za-z0-9_-]{1,40}")  # a widget's data-topic


def visitor_payload(row: Interaction) -> dict[str, Any]:
    """What a visitor may see of an interaction: never notes, never internal metadata."""
    return {
        "id": row.id,
        "ticket_id": row.ticket_id,
        "direction": row.direction,
        "text": row.text,
        "author": str(row.meta.get("author", "")) if row.direction == "outbound" else "",
        "created_at": row.created_at.isoformat(),
    }


MESSAGES_PER_MINUTE = 30  # per visitor: a person types far fewer; a script is slowed down


class VisitorNamespace(socketio.AsyncNamespace):  # type: ignore[misc]
    def __init__(
        self, channel: WebchatChannel, ingestor: Ingestor, db: Database, agents_online: Callable[[], bool]
    ) -> None:
        super().__init__(NAMESPACE)
        self._channel = channel
        self._ingestor = ingestor
        self._db = db
        self._agents_online = agents_online
        self._senders = SenderLimiter(MESSAGES_PER_MINUTE)

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        auth = auth if isinstance(auth, dict) else {}
        name, email = clean_profile(auth.get("name"), auth.get("email"))
        topic = auth.get("topic")
        topic = topic if isinstance(topic, str) and _TOPIC.fullmatch(topic) else None
        token = auth.get("visitor_token")
        resumed = False
        messages: list[dict[str, Any]] = []
        ticket_id: int | None = None
        # Our tokens are ASCII: anything else (a lone surrogate included) names no visitor and gets a fresh one.
        if isinstance(token, str) and 0 < len(token) <= 128 and token.isascii():
            async with self._db.read() as s:
                customer = await find_customer(s, IdentityRef("webchat", visitor_key(token)))
                if customer is not None:
                    resumed = True
                    rows = await conversation(s, customer.id, "webchat", HISTORY_LIMIT)
                    messages = [visitor_payload(r) for r in rows]
                    ticket_id = rows[-1].ticket_id if rows else None
        if not resumed:
            # Unknown, expired or forged tokens all get a fresh visitor; we never guess whose chat it was.
            token = new_visitor_token()
        assert isinstance(token, str)
        key = visitor_key(token)
        await self.save_session(
            sid,
            {"key": key, "name": name, "email": email, "ticket_id": ticket_id, "told_offline": False, "topic": topic},
        )
        await self.enter_room(sid, visitor_room(key))
        if ticket_id is not None:
            await self.enter_room(sid, ticket_room(ticket_id))
        await self.emit("session", {"visitor_token": token, "resumed": resumed, "messages": messages}, to=sid)

    async def on_message(self, sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        session = await self.get_session(sid)
        if not self._senders.allow(session["key"]):
            # Not stored, and the visitor is told so: the widget keeps the text for them to send again.
            error = {"code": "slow_down", "message": "too many messages in a minute; please wait a moment"}
            await self.emit("error", error, to=sid)
            return {"ok": False, "error": error}
        raw = VisitorMessage(
            session["key"], data, session["name"], session["email"], session["ticket_id"], session.get("topic")
        )
        try:
            envelope = self._channel.parse_inbound(raw)
        except InboundRejected as exc:
            error = {"code": exc.code, "message": str(exc)}
            await self.emit("error", error, to=sid)
            return {"ok": False, "error": error}
        try:
            result = await self._ingestor.ingest(envelope)
        except Exception:
            log.exception("storing a visitor message failed")
            error = {"code": "unavailable", "message": "message not saved; please send it again"}
            await self.emit("error", error, to=sid)
            return {"ok": False, "error": error}
        ack: dict[str, Any] = {
            "ok": True,
            "id": result.interaction.id,
            "ticket_id": result.ticket.id,
            "created_at": result.interaction.created_at.isoformat(),
            "duplicate": result.duplicate,
        }
        if session["ticket_id"] != result.ticket.id:
            if session["ticket_id"] is not None:
                await self.leave_room(sid, ticket_room(session["ticket_id"]))
            await self.enter_room(sid, ticket_room(result.ticket.id))
            session["ticket_id"] = result.ticket.id
        notice = self._offline_notice(result)
        if notice is not None:
            ack["notice"] = notice
            if not session["told_offline"]:
                session["told_offline"] = True
                await self.emit("notice", notice, to=sid)
        await self.save_session(sid, session)
        return ack

    def _offline_notice(self, result: IngestResult) -> dict[str, Any] | None:
        if self._agents_online() or result.ticket.status not in ACTIVE:
            return None
        due = result.ticket.first_response_due_at
        when = due.strftime("%Y-%m-%d %H:%M UTC") if due else "as soon as possible"
        return {
            "code": "agents_offline",
            "expected_by": due.isoformat() if due else None,
            "text": f"No agent is online right now. Your message is saved as ticket #{result.ticket.id}; "
            f"we will answer here by {when}.",
        }

    async def on_typing(self, sid: str, data: Any = None, *_extra: Any) -> None:
        session = await self.get_session(sid)
        if session["ticket_id"] is None or not isinstance(data, dict):
            return
        await self.server.emit(
            "typing",
            {"ticket_id": session["ticket_id"], "typing": bool(data.get("typing")), "who": "customer"},
            room=ticket_room(session["ticket_id"]),
            namespace="/agent",
        )
