"""The web chat channel adapter: visitor messages in, agent replies out over socket.io."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import socketio

from hub.channels.base import InboundRejected
from hub.channels.webchat.identity import VisitorClaim, read_claim
from hub.envelopes import Attachment, DeliveryReceipt, IdentityRef, InboundEnvelope, OutboundMessage
from hub.rooms import VISITOR_NAMESPACE, visitor_room
from hub.tickets.surveys import SURVEY_ACTOR
from hub.wording import Wording

NAMESPACE = VISITOR_NAMESPACE
# Our widget sends 24 hex characters; other widgets' ids may be as short as 4 (a counter, a nanoid(6)).
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{4,64}$")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON decoding pairs them up: any left is half a character


def new_visitor_token() -> str:
    return "v1." + secrets.token_urlsafe(24)


def visitor_key(token: str) -> str:
    """What we store: a digest, so a database leak does not hand out live chat sessions."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class VisitorMessage:
    """A raw `message` event as the socket delivered it, plus who sent it."""

    visitor_key: str
    payload: Any
    claim: VisitorClaim | None = None  # who they say they are (identity.py), checked when they connected
    ticket_id: int | None = None
    topic: str | None = None  # from the widget's data-topic: where routing.toml's entry points apply
    attachments: tuple[Attachment, ...] = ()  # the visitor's uploads this message names (uploads.py checked them)


def is_survey(meta: Mapping[str, Any]) -> bool:
    """The satisfaction question sent when a chat is solved (answered by a reply of 1 to 5)."""
    return bool(meta.get("automatic")) and meta.get("author") == SURVEY_ACTOR.name


def visitor_prefix(key: str) -> str:
    """Every message id of one visitor starts with this: their own messages are told apart by it."""
    return f"{key[:16]}:"


class WebchatChannel:
    kind = "webchat"
    identity_kind = "webchat"
    capabilities = frozenset({"text", "typing", "history"})
    reply_window: timedelta | None = None

    def __init__(
        self, sio: socketio.AsyncServer, max_message_bytes: int, identity_secrets: Mapping[str, str] | None = None
    ) -> None:
        self._sio = sio
        self.max_message_bytes = max_message_bytes
        self._secrets = dict(identity_secrets or {})

    def read_claim(self, auth: Mapping[str, Any]) -> VisitorClaim | None:
        """Who a connecting visitor says they are, checked against their widget's identity secret."""
        return read_claim(auth, self._secrets)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def parse_inbound(self, raw: VisitorMessage) -> InboundEnvelope:
        data = raw.payload
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise InboundRejected("bad_request", 'send {"text": "..."}')
        # A widget that cuts text by UTF-16 units can leave half an emoji (a lone surrogate), which no
        # database stores: it becomes U+FFFD instead of failing the message.
        text = _LONE_SURROGATE.sub("\ufffd", data["text"])
        size = len(text.encode("utf-8"))
        if size > self.max_message_bytes:
            raise InboundRejected("too_large", f"message is {size} bytes; the limit is {self.max_message_bytes} bytes")
        files_only = not text.strip()
        if files_only and not raw.attachments:
            raise InboundRejected("empty", "message has no text")
        client_id = data.get("client_id")
        if client_id is not None and not (isinstance(client_id, str) and _CLIENT_ID.match(client_id)):
            raise InboundRejected("bad_request", "client_id must be 4-64 characters of [A-Za-z0-9_-]")
        # A client id makes a resend after a dropped connection idempotent; without one, each send is new.
        # A resend repeats the text too: the same short id with other words is a widget counting again
        # from 1 after a reload, a new message that must not be taken for a duplicate.
        files = "".join(f"\n{a.storage_key}" for a in raw.attachments)
        digest = hashlib.sha256((text + files).encode("utf-8")).hexdigest()[:12]
        external = visitor_prefix(raw.visitor_key) + (f"{client_id}:{digest}" if client_id else uuid.uuid4().hex)
        claim = raw.claim
        meta: dict[str, Any] = {"visitor": raw.visitor_key}  # replies go to the visitor who wrote last
        if files_only:
            # Only files: their names stand in for the text (search, previews), and the widget shows the files.
            text = ", ".join(a.filename for a in raw.attachments)
            meta["files_only"] = True
        if claim is not None:
            meta["claim"] = claim.to_meta()
            if claim.email:
                meta["claimed_email"] = claim.email
        return InboundEnvelope(
            channel=self.kind,
            external_id=external,
            sender=IdentityRef(self.identity_kind, raw.visitor_key),
            sender_name=claim.name if claim else None,
            text=text,
            attachments=raw.attachments,
            meta=meta,
            thread_ticket_id=raw.ticket_id,
            # A chat continues only the visitor's own conversation (the ticket its session names), never
            # the latest ticket of a customer the visitor merely says they are.
            explicit_threading=True,
            entry=f"webchat:topic:{raw.topic}" if raw.topic else None,
            tags=(raw.topic,) if raw.topic else (),
            claim=claim.claim() if claim else None,
        )

    async def send(self, msg: OutboundMessage) -> DeliveryReceipt:
        payload = {
            "id": msg.interaction_id,
            "ticket_id": msg.ticket_id,
            "text": msg.text,
            "author": str(msg.meta.get("author", "")),
            "direction": "outbound",
        }
        if msg.html:  # rendered Markdown, sanitised: the widget shows it through its own allow-list
            payload["html"] = msg.html
        if is_survey(msg.meta):
            payload["kind"] = "survey"  # the widget asks with its own rating buttons, in the visitor's language
        # To the visitor who wrote the message this answers: a customer may have several chat visitors (their
        # phone and laptop, or someone who only says they are them), and each sees only their own chat.
        visitor = msg.reply_context.get("visitor")
        key = visitor if isinstance(visitor, str) and visitor else msg.recipient.value
        try:
            await self._sio.emit("message", payload, room=visitor_room(key), namespace=NAMESPACE)
        except Exception as exc:  # a transport error is transient: the outbox retries
            return DeliveryReceipt(
                "failed",
                error=f"socket emit failed: {exc}",
                retryable=True,
                problem=Wording("the chat could not be reached; the hub tries again"),
            )
        # An offline visitor sees the reply in their history when they come back.
        return DeliveryReceipt("sent")
