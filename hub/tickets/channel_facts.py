"""What a reply needs to know of the running channels: their limits, reply windows, capabilities and identities.

The ticket domain reads channels through these protocols (the channel registry fits them), so it never
imports the channel adapters themselves."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from hub.wording import Wording

# GSM 03.38 basic set: texts made only of these go 160 characters per SMS; anything else is UCS-2 (70).
_GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)


class ReplyChannel(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def identity_kind(self) -> str: ...

    @property
    def capabilities(self) -> frozenset[str]: ...

    @property
    def reply_window(self) -> timedelta | None: ...


class ReplyChannels(Protocol):
    """The running channels by name (hub.channels.registry.ChannelRegistry)."""

    def __contains__(self, kind: object) -> bool: ...

    def __iter__(self) -> Iterator[ReplyChannel]: ...

    def get(self, kind: str) -> ReplyChannel: ...


@dataclass(frozen=True, slots=True)
class Limits:
    """What the composer shows and the rules enforce before a reply reaches the outbox."""

    max_chars: int | None = None
    max_bytes: int | None = None
    window_hours: int | None = None
    segments: bool = False  # show the SMS segment count

    def to_json(self) -> dict[str, Any]:
        return {"max_chars": self.max_chars, "max_bytes": self.max_bytes, "window_hours": self.window_hours,
                "segments": self.segments}  # fmt: skip

    def check(self, text: str) -> Wording | None:
        """What is wrong with the text on this channel, as a template and its numbers; None when it fits."""
        if self.max_chars is not None and len(text) > self.max_chars:
            return Wording(
                "this channel takes at most %(max)s characters (this reply has %(n)s)",
                {"max": self.max_chars, "n": len(text)},
            )
        if self.max_bytes is not None and len(text.encode()) > self.max_bytes:
            return Wording(
                "this channel takes at most %(max)s bytes (this reply has %(n)s)",
                {"max": self.max_bytes, "n": len(text.encode())},
            )
        return None


LIMITS = {
    "sms.twilio": Limits(max_chars=1600, segments=True),  # Twilio refuses longer bodies (21617)
    "wechat": Limits(max_bytes=2048, window_hours=48),  # customer-service text messages
    "voice.twilio": Limits(max_chars=1600, segments=True),  # answered by text message to the caller's number
}


def sms_segments(text: str) -> int:
    if not text:
        return 0
    gsm = all(ch in _GSM for ch in text)
    single, multi = (160, 153) if gsm else (70, 67)
    return 1 if len(text) <= single else -(-len(text) // multi)


def limits_for(channel: str, channels: ReplyChannels | None) -> Limits:
    """The channel's limits; without the running channels, the fixed table (a chat's size is configured)."""
    if channel == "webchat" and channels is not None and channel in channels:
        max_bytes = getattr(channels.get(channel), "max_message_bytes", None)
        return Limits(max_bytes=max_bytes if isinstance(max_bytes, int) else None)
    return LIMITS.get(channel, Limits())


def reply_window(channel: str, channels: ReplyChannels | None) -> timedelta | None:
    """How long after the customer's last message the channel takes replies (None: always, or not known)."""
    return channels.get(channel).reply_window if channels is not None and channel in channels else None


def carries_files(channel: str, channels: ReplyChannels | None) -> bool:
    return channels is not None and channel in channels and "attachments" in channels.get(channel).capabilities
