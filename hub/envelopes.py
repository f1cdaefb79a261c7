"""What channels hand to ingest and get from delivery: plain data, no ORM, no I/O; untrusted text made storable."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from hub.clock import utcnow
from hub.wording import Wording


@dataclass(frozen=True, slots=True)
class IdentityRef:
    kind: str
    value: str


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    size: int
    storage_key: str
    sha256: str = ""


@dataclass(frozen=True, slots=True)
class Claim:
    """An identity the sender says is theirs (a chat's pre-chat e-mail, a website's user id). Verified when the
    website vouched for it (a valid identity hash); otherwise the contact joins that customer unverified."""

    identity: IdentityRef
    verified: bool = False


@dataclass(frozen=True, slots=True)
class InboundEnvelope:
    """One customer contact, normalized by its channel."""

    channel: str
    external_id: str
    sender: IdentityRef
    text: str
    sender_name: str | None = None
    subject: str | None = None
    html: str | None = None
    # When we received it, not what the sender claims (a Date header can be anything); starts SLA clocks.
    received_at: datetime = field(default_factory=utcnow)
    attachments: tuple[Attachment, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)
    # A channel that knows the conversation (a chat session, an email In-Reply-To) names the ticket.
    thread_ticket_id: int | None = None
    # Ids of earlier messages this one answers (an email's In-Reply-To and References), newest first: the
    # ticket of the first one we know threads it, ahead of thread_ticket_id.
    thread_refs: tuple[str, ...] = ()
    # Mail threads only by references and the subject token: a new mail is a new ticket even while the
    # customer has another one open (chat, by contrast, continues the open conversation).
    explicit_threading: bool = False
    queue: str | None = None
    # Where the contact came in ("wechat:menu:REFUND", "webchat:topic:billing"): routing derives skills.
    entry: str | None = None
    # Skills the contact needs as named where it came in (an IVR leaf), on top of routing's own rules.
    skills: Mapping[str, int] = field(default_factory=dict)
    # The language the customer chose (an IVR's language menu); otherwise routing guesses from the text.
    language: str | None = None
    # Tags a new ticket starts with (e.g. the topic of a WeChat menu button).
    tags: tuple[str, ...] = ()
    # More ways to reach the same sender (a WeChat unionid); attached unless another customer owns them.
    extra_identities: tuple[IdentityRef, ...] = ()
    # Who the sender says they are, beyond the identity they wrote from (see hub/customers/claims.py).
    claim: Claim | None = None


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    interaction_id: int
    ticket_id: int
    channel: str
    recipient: IdentityRef
    text: str
    html: str | None = None
    subject: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    # The customer message this answers: {"external_id", and that message's meta} (email threading).
    reply_context: Mapping[str, Any] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()  # files the agent attached (stored; channels read them to send)


DeliveryStatus = Literal["sent", "delivered", "failed"]


@dataclass(frozen=True, slots=True)
class DeliveryReceipt:
    status: DeliveryStatus
    external_id: str | None = None
    error: str | None = None
    # A transient failure (timeout, 5xx) is retried with backoff; a permanent one is not.
    retryable: bool = False
    # The cause as a template the console translates (the provider's own words stay in `error`).
    problem: Wording | None = None


# Untrusted text made storable everywhere: PostgreSQL refuses NUL in text and JSONB.
# C0 controls other than tab, newline and carriage return carry no meaning in a message.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def storable_text(value: str) -> str:
    # Nearly every text has none: looked for in C over its UTF-8 bytes first (a control character is one byte there,
    # never part of another character), 1.4x faster than the pattern on a 200 kB Chinese mail and 5x on ASCII.
    raw = value.encode("utf-8", "surrogatepass")
    if len(raw.translate(None, _CONTROL_BYTES)) == len(raw):
        return value
    return _CONTROLS.sub("", value)


def storable_json(value: Any) -> Any:
    """The same cleaning through nested dicts and lists, keys included."""
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, dict):
        return {storable_text(str(k)): storable_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable_json(v) for v in value]
    return value
