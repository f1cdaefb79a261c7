"""One contract for every registered channel: fixtures parse, duplicates are idempotent, send failures are receipts.

The channels are those of hub/channels/setups.py; each setup's fixture loaders are in tests/channels/<setup>/raw.py."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hub import keys
from hub.channels.base import Channel, InboundRejected
from hub.channels.setups import CHANNEL_SETUPS
from hub.db.models import Interaction
from hub.envelopes import IdentityRef, OutboundMessage
from tests.channels.raw import Loaded, Loaders
from tests.conftest import Hub

HERE = Path(__file__).parent


def setup_loaders(name: str) -> Loaders:
    loaders: Loaders = importlib.import_module(f"tests.channels.{name}.raw").LOADERS
    return loaders


# How each channel's raw fixture files become the object its parse_inbound takes, by channel kind.
RAW_LOADERS: Loaders = {kind: loader for name in CHANNEL_SETUPS for kind, loader in setup_loaders(name).items()}
# Where each kind's fixtures are: tests/channels/<setup name>/fixtures/.
FIXTURE_DIRS = {kind: HERE / name / "fixtures" for name in CHANNEL_SETUPS for kind in setup_loaders(name)}


def fixtures_for(kind: str) -> list[Path]:
    pattern, _ = RAW_LOADERS[kind]
    return sorted(FIXTURE_DIRS[kind].glob(pattern))


def load(kind: str, path: Path) -> Loaded:
    return RAW_LOADERS[kind][1](path)


@pytest.mark.parametrize("name", list(CHANNEL_SETUPS))
async def test_every_setup_runs_its_channels_in_the_test_hub(hub: Hub, name: str) -> None:
    """The test hub's settings turn every channel on, so the contract below covers each of them."""
    running = {channel.kind for channel in hub.app[keys.CHANNELS]}
    kinds = set(setup_loaders(name))
    assert kinds and kinds <= running, f"{name} set up none of {sorted(kinds - running)} in tests/conftest.py's hub"


async def test_every_channel_has_fixtures_and_a_loader(hub: Hub) -> None:
    for channel in hub.app[keys.CHANNELS]:
        assert isinstance(channel, Channel)
        assert channel.kind in RAW_LOADERS, f"{channel.kind} has no raw fixture loader"
        assert fixtures_for(channel.kind), f"{channel.kind} has no fixtures under tests/channels/<setup>/fixtures/"


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
