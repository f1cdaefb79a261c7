"""One contract for every registered channel: fixtures parse, duplicates are idempotent, send failures are receipts."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hub import keys
from hub.channels.base import Channel, InboundRejected
from hub.channels.twilio.config import TwilioNumber
from hub.channels.webchat.channel import VisitorMessage
from hub.channels.webchat.identity import read_claim
from hub.channels.wechat.channel import WeChatPush
from hub.channels.wechat.push import SignedPush
from hub.channels.wechat.xml import parse_flat
from hub.db.models import Interaction
from hub.envelopes import IdentityRef, OutboundMessage
from tests.conftest import Hub
from tests.wechat_kit import MAIN

FIXTURES = Path(__file__).parent / "fixtures"


Loaded = tuple[Any, str | None]  # (raw input for parse_inbound, the rejection code expected or None)


def webchat_raw(path: Path) -> Loaded:
    """A visitor's message event; "auth" is what the page connected with (pre-chat form, the website's signed
    identity), checked against the fixture's own "identity_secrets" as the widget's config would be."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    payload = dict(spec["payload"])
    text = payload.get("text")
    if isinstance(text, str) and text.startswith("REPEAT:"):
        unit, _, count = text.removeprefix("REPEAT:").rpartition(":")
        payload["text"] = (unit or "x") * int(count)
    auth = {"name": spec.get("name"), "email": spec.get("email"), **spec.get("auth", {})}
    claim = read_claim(auth, spec.get("identity_secrets", {}))
    return VisitorMessage(spec["visitor_key"], payload, claim), spec.get("rejected")


def email_raw(path: Path) -> Loaded:
    """Mail as it arrives; mail is never refused (a broken one is kept with warnings)."""
    from hub.channels.email.channel import RawMail
    from hub.channels.email.config import Mailbox
    from hub.channels.email.parse import parse_mail

    return RawMail(parse_mail(path.read_bytes()), Mailbox("support", ("support@hub.test",)), "test/raw.eml"), None


def wechat_raw(path: Path) -> Loaded:
    """Raw pushes as WeChat sends them; a file named rejected-<code>-... must be refused with <code>.
    A .xml file is a push's fields; a .json file is the whole signed request (query string, body, and when
    it arrived), so signatures, AppIDs and timestamps are checked as the webhook checks them."""
    rejected = path.name.split("-")[1] if path.name.startswith("rejected-") else None
    if path.suffix == ".json":
        spec = json.loads(path.read_text(encoding="utf-8"))
        received = datetime.fromisoformat(spec["received_at"])
        return SignedPush(MAIN, spec["query"], spec["body"].encode(), received), rejected
    return WeChatPush(MAIN, parse_flat(path.read_bytes())), rejected


def sms_raw(path: Path) -> Loaded:
    """Twilio's webhook form for an incoming message, and the configured number it was sent to."""
    from hub.channels.twilio.sms import SmsForm

    spec = json.loads(path.read_text(encoding="utf-8"))
    number = TwilioNumber(spec["number"]) if spec.get("number") else None
    return SmsForm(spec["form"], number), spec.get("rejected")


def voice_raw(path: Path) -> Loaded:
    """A call as stored when it reached a leaf of the shipped IVR (or ended before one)."""
    from hub.channels.twilio.ivr import load_ivr
    from hub.channels.twilio.voice import CallContact
    from hub.settings import PROJECT_ROOT
    from hub.tickets.calls import Call

    spec = json.loads(path.read_text(encoding="utf-8"))
    ivr = load_ivr(PROJECT_ROOT / "config" / "ivr.toml")
    leaf = ivr.nodes[spec["leaf"]] if spec.get("leaf") else None
    call = Call(**spec["call"])
    return CallContact(call, TwilioNumber(call.number), leaf, ivr), spec.get("rejected")


# How each channel's raw fixture files become the object its parse_inbound takes.
RAW_LOADERS: dict[str, tuple[str, Callable[[Path], Loaded]]] = {
    "webchat": ("*.json", webchat_raw),
    "wechat": ("*.*", wechat_raw),
    "email": ("*.eml", email_raw),
    "sms.twilio": ("*.json", sms_raw),
    "voice.twilio": ("*.json", voice_raw),
}


def fixtures_for(kind: str) -> list[Path]:
    pattern, _ = RAW_LOADERS.get(kind, ("*", webchat_raw))
    return sorted((FIXTURES / kind).glob(pattern))


def load(kind: str, path: Path) -> Loaded:
    return RAW_LOADERS[kind][1](path)


async def test_every_channel_has_fixtures_and_a_loader(hub: Hub) -> None:
    for channel in hub.app[keys.CHANNELS]:
        assert isinstance(channel, Channel)
        assert channel.kind in RAW_LOADERS, f"{channel.kind} has no raw fixture loader"
        assert fixtures_for(channel.kind), f"{channel.kind} has no fixtures under tests/fixtures/"


async def test_fixtures_parse_and_duplicates_are_idempotent(hub: Hub) -> None:
    ingestor = hub.app[keys.INGESTOR]
    accepted = 0
    for channel in hub.app[keys.CHANNELS]:
        for path in fixtures_for(channel.kind):
            raw, rejected = load(channel.kind, path)
            if rejected:
                with pytest.raises(InboundRejected) as info:
                    channel.parse_inbound(raw)
                assert info.value.code == rejected, path.name
                continue
            envelope = channel.parse_inbound(raw)
            assert envelope.channel == channel.kind and envelope.external_id and envelope.text, path.name
            # Replies go to identity_kind; some channels also hear from senders nobody can answer there
            # (a withheld caller, an SMS short code): those kinds are named in sender_kinds.
            assert envelope.sender.kind in getattr(channel, "sender_kinds", {channel.identity_kind}), path.name
            first = await ingestor.ingest(envelope)
            second = await ingestor.ingest(envelope)
            assert second.duplicate and second.interaction.id == first.interaction.id, path.name
            accepted += 1
    async with hub.app[keys.DB].read() as s:
        stored = await s.scalar(select(func.count()).select_from(Interaction))
    assert stored == accepted


async def test_send_to_nobody_is_a_receipt_not_an_exception(hub: Hub) -> None:
    for channel in hub.app[keys.CHANNELS]:
        receipt = await channel.send(
            OutboundMessage(
                interaction_id=1,
                ticket_id=1,
                channel=channel.kind,
                recipient=IdentityRef(channel.identity_kind, "nobody-is-connected"),
                text="hello",
            )
        )
        assert receipt.status in ("sent", "delivered", "failed")
