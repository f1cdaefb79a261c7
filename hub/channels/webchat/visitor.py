"""The /visitor socket.io namespace: connect or resume, send, typing; stored before acknowledged."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import socketio

from hub.channels.base import InboundRejected
from hub.channels.limits import SenderLimiter
from hub.channels.webchat.channel import (
    NAMESPACE,
    VisitorMessage,
    WebchatChannel,
    is_survey,
    new_visitor_token,
    visitor_key,
    visitor_prefix,
)
from hub.channels.webchat.identity import VisitorClaim
from hub.channels.webchat.issued import IssuedTokens
from hub.channels.webchat.new_conversations import Client, NewConversations
from hub.channels.webchat.notices import offline_notice
from hub.channels.webchat.uploads import ChatFiles
from hub.customers.visitors import VisitorBook, VisitorView
from hub.envelopes import IdentityRef
from hub.events.snapshots import InteractionSnapshot
from hub.rooms import ticket_room, visitor_room
from hub.tickets.ingest import Ingestor

log = logging.getLogger(__name__)
HISTORY_LIMIT = 100
_TOPIC = re.compile(r"[A-Za-z0-9_-]{1,40}")  # a widget's data-topic


def visitor_payload(row: InteractionSnapshot) -> dict[str, Any]:
    """What a visitor may see of an interaction: never notes, never internal metadata."""
    outbound = row.direction == "outbound"
    payload: dict[str, Any] = {
        "id": row.id,
        "ticket_id": row.ticket_id,
        "direction": row.direction,
        "text": "" if row.meta.get("files_only") else row.text,
        "author": str(row.meta.get("author", "")) if outbound else "",
        "created_at": row.created_at.isoformat(),
        # A Markdown reply's sanitised HTML (hub/markup.py); the widget renders only its own allow-list of it.
        **({"html": row.html} if outbound and row.html else {}),
        **({"kind": "survey"} if outbound and is_survey(row.meta) else {}),
    }
    files = [
        {"name": str(a.get("filename", "")), "type": str(a.get("content_type", "")), "size": a.get("size")}
        for a in row.attachments
        if isinstance(a, dict)
    ]
    if files:
        payload["files"] = files
    return payload


MESSAGES_PER_MINUTE = 30  # per visitor: a person types far fewer; a script is slowed down


class VisitorNamespace(socketio.AsyncNamespace):  # type: ignore[misc]
    def __init__(
        self,
        channel: WebchatChannel,
        ingestor: Ingestor,
        visitors: VisitorBook,
        agents_online: Callable[[], bool],
        new_conversations: NewConversations,
        files: ChatFiles,
    ) -> None:
        super().__init__(NAMESPACE)
        self._channel = channel
        self._ingestor = ingestor
        self._visitors = visitors
        self._agents_online = agents_online
        self._senders = SenderLimiter(MESSAGES_PER_MINUTE)
        self._new = new_conversations
        self._files = files
        self._issued = IssuedTokens()

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        auth = auth if isinstance(auth, dict) else {}
        claim = self._channel.read_claim(auth)
        topic = auth.get("topic")
        topic = topic if isinstance(topic, str) and _TOPIC.fullmatch(topic) else None
        token = auth.get("visitor_token")
        view: VisitorView | None = None
        unused = False
        # Our tokens are ASCII: anything else (a lone surrogate included) names no visitor and gets a fresh one.
        if isinstance(token, str) and 0 < len(token) <= 128 and token.isascii():
            named = claim.claim() if claim is not None else None
            # A claim of someone else than this browser's visitor so far: no view, so a fresh visitor joins
            # them, and the earlier record stays as it is (never merged, and its chat is not shown to the new one).
            view = await self._view(
                visitor_key(token), named.identity if named else None, bool(named and named.verified)
            )
            # A token we gave out that has not written yet (a second tab, a reload before the first message) is
            # still that browser's: a fresh one would replace it in the browser, and the first tab's chat with it.
            unused = view is None and named is None and self._issued.knows(visitor_key(token))
        if view is None and not unused:
            # Unknown, expired or forged tokens all get a fresh visitor; we never guess whose chat it was.
            token = new_visitor_token()
            self._issued.add(visitor_key(token))
        elif view is not None and claim is None:
            claim = _last_claim(view.messages)  # what they said when they started, for the agent to see
        assert isinstance(token, str)
        key = visitor_key(token)
        ticket_id = view.ticket_id if view else None
        client = self._new.client(environ, auth)
        session = {"key": key, "claim": claim, "ticket_id": ticket_id, "told_offline": False, "topic": topic}
        session |= {"address": client.address, "origin": client.origin, "counted": False}
        await self.save_session(sid, session)
        await self.enter_room(sid, visitor_room(key))
        if ticket_id is not None:
            await self.enter_room(sid, ticket_room(ticket_id))
        messages = [visitor_payload(r) for r in view.messages] if view else []
        await self.emit("session", {"visitor_token": token, "resumed": view is not None, "messages": messages}, to=sid)

    async def _view(self, key: str, claimed: IdentityRef | None = None, verified: bool = False) -> VisitorView | None:
        return await self._visitors.view(
            IdentityRef("webchat", key), visitor_prefix(key), HISTORY_LIMIT, claimed, verified
        )

    async def on_message(self, sid: str, data: Any = None, *_extra: Any) -> dict[str, Any]:
        session = await self.get_session(sid)
        if not self._senders.allow(session["key"]):
            # Not stored, and the visitor is told so: the widget keeps the text for them to send again.
            error = {"code": "slow_down", "message": "too many messages in a minute; please wait a moment"}
            await self.emit("error", error, to=sid)
            return {"ok": False, "error": error}
        if session["ticket_id"] is None:
            # Another tab of this visitor may have started the conversation since this one connected.
            view = await self._view(session["key"])
            session["ticket_id"] = view.ticket_id if view else None
        try:
            files = await self._files.attachments(session["key"], data.get("files") if isinstance(data, dict) else None)
            raw = VisitorMessage(
                session["key"], data, session["claim"], session["ticket_id"], session.get("topic"), files
            )
            envelope = self._channel.parse_inbound(raw)
        except InboundRejected as exc:
            error = {"code": exc.code, "message": str(exc)}
            await self.emit("error", error, to=sid)
            return {"ok": False, "error": error}
        if session["ticket_id"] is None and not session["counted"]:
            # This message would open a ticket: a new conversation, counted once per socket (its resend is not).
            refused = self._new.admit(Client(session["address"], session["origin"]))
            if refused is not None:
                # Asked to wait, and nothing stored: no customer, ticket or message for this chat yet.
                error = refused.error()
                await self.emit("error", error, to=sid)
                return {"ok": False, "error": error}
            session["counted"] = True
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
        self._issued.discard(session["key"])
        if not result.duplicate:
            # The visitor's other tabs show what they wrote here (this one has the ack).
            await self.emit("message", visitor_payload(result.interaction), room=visitor_room(session["key"]),
                            skip_sid=sid)  # fmt: skip
        if not self.server.manager.is_connected(sid, self.namespace):
            return ack  # the visitor left while it was stored: the message is kept; no room to join, nobody to tell
        if session["ticket_id"] != result.ticket.id:
            await self._follow(sid, session, result.ticket.id)
            await self._tabs_follow(sid, session["key"], result.ticket.id)
        notice = offline_notice(result, self._agents_online(), envelope.text)
        if notice is not None:
            ack["notice"] = notice
            if not session["told_offline"]:
                session["told_offline"] = True
                await self.emit("notice", notice, to=sid)
        await self.save_session(sid, session)
        return ack

    async def _follow(self, sid: str, session: dict[str, Any], ticket_id: int) -> None:
        """This socket hears the conversation's ticket from now on (the agent typing, read receipts)."""
        if session["ticket_id"] is not None:
            await self.leave_room(sid, ticket_room(session["ticket_id"]))
        await self.enter_room(sid, ticket_room(ticket_id))
        session["ticket_id"] = ticket_id

    async def _tabs_follow(self, sid: str, key: str, ticket_id: int) -> None:
        """The visitor's other tabs on this process follow the ticket one of them just opened."""
        for other, _ in list(self.server.manager.get_participants(self.namespace, visitor_room(key))):
            if other != sid and self.server.manager.is_connected(other, self.namespace):
                tab = await self.get_session(other)
                if tab.get("ticket_id") != ticket_id:
                    await self._follow(other, tab, ticket_id)
                    await self.save_session(other, tab)

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


def _last_claim(rows: list[InteractionSnapshot]) -> VisitorClaim | None:
    for row in reversed(rows):
        if row.direction == "inbound" and "claim" in row.meta:
            return VisitorClaim.from_meta(row.meta["claim"])
    return None
