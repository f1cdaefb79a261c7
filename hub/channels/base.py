"""The Channel protocol every adapter implements; adapters never touch the ORM."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Protocol, runtime_checkable

from hub.envelopes import DeliveryReceipt, InboundEnvelope, OutboundMessage
from hub.settings.values import OMITTED


class ChannelConfigError(ValueError):
    """A channel's table in the TOML (or its HUB_* variable) is wrong: `key` names the entry, `expected` what
    would do, `value` the value refused when showing it helps (left out for a whole table)."""

    def __init__(self, key: str, expected: str, value: object = OMITTED) -> None:
        super().__init__(f"{key}: {expected}")
        self.key = key
        self.expected = expected
        self.value = value


class InboundRejected(ValueError):
    """Raw input the channel refuses; `code` is stable and safe to show the sender."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@runtime_checkable
class Channel(Protocol):
    kind: str  # registry name: "webchat", "email", "sms.twilio", "voice.twilio", "wechat"
    identity_kind: str  # what a sender is known by on this channel
    capabilities: frozenset[str]
    # How long after the customer's last message the channel still accepts our replies (None: always).
    reply_window: timedelta | None

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def parse_inbound(self, raw: Any) -> InboundEnvelope:
        """Pure: validate and normalize one raw contact, or raise InboundRejected."""
        ...

    async def send(self, msg: OutboundMessage) -> DeliveryReceipt:
        """Deliver one message; failures come back as a failed receipt, never as an exception."""
        ...
