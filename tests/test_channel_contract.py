"""One contract for every registered channel: fixtures parse, duplicates are idempotent, send failures are receipts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hub import keys
from hub.channels.base import Channel, InboundRejected
from hub.channels.webchat.channel import VisitorMessage
from hub.db.models import Interaction
from hub.envelopes import IdentityRef, OutboundMessage
from tests.conftest import Hub

FIXTURES = Path(__file__).parent / "fixtures"


def webchat_raw(spec: dict[str, Any]) -> VisitorMessage:
    payload = dict(spec["payload"])
    text = payload.get("text")
    if isinstance(text, str) and text.startswith("REPEAT:"):
        payload["text"] = "x" * int(text.removeprefix("REPEAT:"))
    return VisitorMessage(spec["visitor_key"], payload, spec.get("name"), spec.get("email"))


# How each channel's raw fixture files become the object its parse_inbound takes.
RAW_LOADERS = {"webchat": webchat_raw}


def fixtures_for(kind: str) -> list[Path]:
    return sorted((FIXTURES / kind).glob("*.json"))


async def test_every_channel_has_fixtures_and_a_loader(hub: Hub) -> None:
    for channel in hub.app[keys.CHANNELS]:
        assert isinstance(channel, Channel)
        assert channel.kind in RAW_LOADERS, f"{channel.kind} has no raw fixture loader"
        assert fixtures_for(channel.kind), f"{channel.kind} has no fixtures under tests/fixtures/"


async def test_fixtures_parse_and_duplicates_are_idempotent(hub: Hub) -> None:
    ingestor = hub.app[keys.INGESTOR]
    for channel in hub.app[keys.CHANNELS]:
        for path in fixtures_for(channel.kind):
            spec = json.loads(path.read_text(encoding="utf-8"))
            raw = RAW_LOADERS[channel.kind](spec)
            if "rejected" in spec:
                with pytest.raises(InboundRejected) as info:
                    channel.parse_inbound(raw)
                assert info.value.code == spec["rejected"], path.name
                continue
            envelope = channel.parse_inbound(raw)
            assert envelope.channel == channel.kind and envelope.external_id and envelope.text
            assert envelope.sender.kind == channel.identity_kind
            first = await ingestor.ingest(envelope)
            second = await ingestor.ingest(envelope)
            assert second.duplicate and second.interaction.id == first.interaction.id, path.name
    async with hub.app[keys.DB].read() as s:
        stored = await s.scalar(select(func.count()).select_from(Interaction))
    accepted = sum(
        1 for c in hub.app[keys.CHANNELS] for p in fixtures_for(c.kind) if "rejected" not in json.loads(p.read_text())
    )
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
