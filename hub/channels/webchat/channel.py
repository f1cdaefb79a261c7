"""The web chat channel adapter: visitor messages in, agent replies out over socket.io."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import socketio

from hub.channels.base import InboundRejected
from hub.envelopes import DeliveryReceipt, IdentityRef, InboundEnvelope, OutboundMessage

NAMESPACE = "/visitor"
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")


def new_visitor_token() -> str:
    return "v1." + secrets.token_urlsafe(24)


def visitor_key(token: str) -> str:
    """What we store: a digest, so a database leak does not hand out live chat sessions."""
    return hashlib.sha256(token.encode()).hexdigest()


def visitor_room(key: str) -> str:
    return f"visitor:{key}"


def ticket_room(ticket_id: int) -> str:
    return f"ticket:{ticket_id}"


@dataclass(frozen=True, slots=True)
class VisitorMessage:
    """A raw `message` event as the socket delivered it, plus who sent it."""

    visitor_key: str
    payload: Any
    name: str | None = None
    email: str | None = None
    ticket_id: int | None = None
    topic: str | None = None  # from the widget's data-topic: where routing.toml's entry points apply


def clean_profile(name: Any, email: Any) -> tuple[str | None, str | None]:
    """The optional pre-chat form: both fields are unverified claims, kept as given when plausible."""
    clean_name = name.strip()[:100] or None if isinstance(name, str) else None
    clean_email = email.strip()[:320] if isinstance(email, str) and _EMAIL.match(email.strip()) else None
    return clean_name, clean_email


class WebchatChannel:
    kind = "webchat"
    identity_kind = "webchat"
    capabilities = frozenset({"text", "typing", "history"})
    reply_window: timedelta | None = None

    def __init__(self, sio: socketio.AsyncServer, max_message_bytes: int) -> None:
        self._sio = sio
        self.max_message_bytes = max_message_bytes

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def parse_inbound(self, raw: VisitorMessage) -> InboundEnvelope:
        data = raw.payload
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise InboundRejected("bad_request", 'send {"text": "..."}')
        text = data["text"]
        size = len(text.encode("utf-8"))
        if size > self.max_message_bytes:
            raise InboundRejected("too_large", f"message is {size} bytes; the limit is {self.max_message_bytes} bytes")
        if not text.strip():
            raise InboundRejected("empty", "message has no text")
        client_id = data.get("client_id")
        if client_id is not None and not (isinstance(client_id, str) and _CLIENT_ID.match(client_id)):
            raise InboundRejected("bad_request", "client_id must be 8-64 characters of [A-Za-z0-9_-]")
        # A client id makes a resend after a dropped connection idempotent; without one, each send is new.
        external = f"{raw.visitor_key[:16]}:{client_id}" if client_id else uuid.uuid4().hex
        meta: dict[str, Any] = {}
        if raw.email:
            meta["claimed_email"] = raw.email
        return InboundEnvelope(
            channel=self.kind,
            external_id=external,
            sender=IdentityRef(self.identity_kind, raw.visitor_key),
            sender_name=raw.name,
            text=text,
            meta=meta,
            thread_ticket_id=raw.ticket_id,
            entry=f"webchat:topic:{raw.topic}" if raw.topic else None,
            tags=(raw.topic,) if raw.topic else (),
        )

    async def send(self, msg: OutboundMessage) -> DeliveryReceipt:
        payload = {
            "id": msg.interaction_id,
            "ticket_id": msg.ticket_id,
            "text": msg.text,
            "author": str(msg.meta.get("author", "")),
            "direction": "outbound",
        }
        try:
            await self._sio.emit("message", payload, room=visitor_room(msg.recipient.value), namespace=NAMESPACE)
        except Exception as exc:  # a transport error is transient: the outbox retries
            return DeliveryReceipt("failed", error=f"socket emit failed: {exc}", retryable=True)
        # An offline visitor sees the reply in their history when they come back.
        return DeliveryReceipt("sent")
