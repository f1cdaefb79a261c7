"""The reply composer's rules: which channels a reply may go out on, each channel's limits, @mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.channels.registry import ChannelRegistry
from hub.db.models import Agent, Identity

# GSM 03.38 basic set: texts made only of these go 160 characters per SMS; anything else is UCS-2 (70).
_GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)
MENTION = re.compile(r"@([\w.\-]+)", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Limits:
    """What the composer shows and the API enforces before a reply reaches the outbox."""

    max_chars: int | None = None
    max_bytes: int | None = None
    window_hours: int | None = None
    segments: bool = False  # show the SMS segment count

    def to_json(self) -> dict[str, Any]:
        return {"max_chars": self.max_chars, "max_bytes": self.max_bytes, "window_hours": self.window_hours,
                "segments": self.segments}  # fmt: skip

    def check(self, text: str) -> str | None:
        if self.max_chars is not None and len(text) > self.max_chars:
            return f"this channel takes at most {self.max_chars} characters (this reply has {len(text)})"
        if self.max_bytes is not None and len(text.encode()) > self.max_bytes:
            return f"this channel takes at most {self.max_bytes} bytes (this reply has {len(text.encode())})"
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


def limits_for(channel: str, registry: ChannelRegistry) -> Limits:
    if channel == "webchat" and channel in registry:
        max_bytes = getattr(registry.get(channel), "max_message_bytes", None)
        return Limits(max_bytes=max_bytes if isinstance(max_bytes, int) else None)
    return LIMITS.get(channel, Limits())


async def reply_channels(
    s: AsyncSession, customer_id: int, ticket_channel: str, registry: ChannelRegistry
) -> list[str]:
    """The ticket's channel first, then every other running channel the customer can be reached on."""
    kinds = set(await s.scalars(select(Identity.kind).where(Identity.customer_id == customer_id)))
    found = [ticket_channel]
    for channel in registry:
        name = channel.kind
        if name != ticket_channel and channel.identity_kind in kinds and name != "voice.twilio":
            found.append(name)  # (a call cannot be "sent"; its answers go by text)
    return found


async def mentioned(s: AsyncSession, text: str, explicit: list[int]) -> list[int]:
    """Agents named in a note: picked in the composer (ids) or typed as @name / @email-local-part."""
    words = {w.lower() for w in MENTION.findall(text)}
    ids = set(explicit)
    if words:
        for agent_id, email, name in (
            await s.execute(select(Agent.id, Agent.email, Agent.display_name).where(Agent.active))
        ).all():
            if email.split("@")[0].lower() in words or name.replace(" ", "").lower() in words:
                ids.add(agent_id)
    if explicit:
        active = set(await s.scalars(select(Agent.id).where(Agent.id.in_(explicit), Agent.active)))
        if set(explicit) - active:
            raise ValueError(f"no active agent {sorted(set(explicit) - active)[0]} to mention")
    return sorted(ids)
