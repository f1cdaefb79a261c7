"""Web chat at its limits: oversized messages of every size, both socket.io transports, short message ids."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hub import keys
from hub.channels.base import InboundRejected
from hub.db.engine import Database
from hub.db.models import Interaction
from hub.settings import SettingsError, load_settings
from tests.channels.webchat.raw import webchat_raw
from tests.conftest import Hub
from tests.processes import HUB, free_port, start_hub
from tests.sockets import visitor

TRANSPORTS = ["websocket", "polling"]
CEILING = 1024 * 1024  # the default transport ceiling (chat_transport_bytes)
FIXTURES = Path(__file__).parent / "fixtures"


async def stored_texts(db: Database) -> list[str]:
    async with db.read() as s:
        return list(await s.scalars(select(Interaction.text).order_by(Interaction.id)))


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_every_oversized_message_gets_too_large_and_the_burst_after_it_is_stored(
    hub: Hub, db: Database, transport: str
) -> None:
    guest = await visitor(hub.url, transports=(transport,))
    await guest.next("session")
    limit = hub.settings.chat_max_message_bytes
    ceiling = hub.settings.chat_transport_bytes
    assert ceiling > 6 * limit
    # Just over the limit, just over the old 64 KiB transport limit, a pasted log, half the transport ceiling;
    # in 3-byte Chinese and 4-byte emoji too: the limit is in UTF-8 bytes.
    texts = ["a" * (limit + 1), "b" * (64 * 1024 + 1), "log line ERROR\n" * 20_000, "c" * (ceiling // 2)]
    texts += ["字" * (limit // 3 + 1), "😀" * (limit // 4 + 1)]
    for n, text in enumerate(texts):
        size = len(text.encode())
        ack = await guest.call("message", {"text": text, "client_id": f"big-{n}"})
        message = f"message is {size} bytes; the limit is {limit} bytes"
        assert ack == {"ok": False, "error": {"code": "too_large", "message": message}}
        assert (await guest.next("error")) == {"code": "too_large", "message": message}
    burst = [f"after the big ones {i} · 之后 {i}" for i in range(12)]
    acks = await asyncio.gather(
        *(guest.call("message", {"text": text, "client_id": f"burst-{i:02d}"}) for i, text in enumerate(burst))
    )
    assert all(a["ok"] and not a["duplicate"] for a in acks) and len({a["id"] for a in acks}) == len(burst)
    assert sorted(await stored_texts(db)) == sorted(burst)
    assert guest.client.connected
    await guest.drop()  # (a long-polling client's polite close waits out its pending poll)


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[str]:
    """A real `hub serve` process: a browser's socket meets the server over real TCP, not inside our loop."""
    env = {**os.environ, "HUB_DATABASE_URL": f"sqlite:///{tmp_path}/hub.db", "HUB_HTTP_PORT": str(free_port())}
    upgrade = await asyncio.create_subprocess_exec(*HUB, "db", "upgrade", env=env, stdout=subprocess.DEVNULL)
    assert await upgrade.wait() == 0
    proc, url = await start_hub(env)
    try:
        yield url
    finally:
        proc.terminate()
        await proc.wait()  # a visitor left on long-polling cannot hold the stop up


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_beyond_the_transport_ceiling_only_that_connection_closes_and_the_resend_is_stored_once(
    served: str, transport: str
) -> None:
    bystander = await visitor(served)
    await bystander.next("session")
    guest = await visitor(served, transports=(transport,))
    token = (await guest.next("session"))["visitor_token"]
    before = await guest.call("message", {"text": "before", "client_id": "before-1"})
    await guest.emit("message", {"text": "y" * (CEILING + 1), "client_id": "huge-1"})
    unacked = ["sent right after", "然后又发了一条"]
    for n, text in enumerate(unacked):
        # On a connection the hub is closing: no acknowledgement (an error or a timeout), never a silent "ok".
        with contextlib.suppress(Exception):
            ack = await guest.call("message", {"text": text, "client_id": f"after-{n}"}, timeout=2)
            assert ack["ok"] is False or ack["id"]
    if transport == "websocket":
        await asyncio.wait_for(guest.disconnected.wait(), 10)  # closed at once (a long-polling client only
        # notices when its pending poll ends; its later messages were not acknowledged all the same)
    await guest.drop()

    # The widget reconnects with its token and sends again what was not acknowledged, with the same ids.
    again = await visitor(served, transports=(transport,), visitor_token=token)
    session = await again.next("session")
    assert session["resumed"] is True and session["visitor_token"] == token
    acks = [await again.call("message", {"text": text, "client_id": f"after-{n}"}) for n, text in enumerate(unacked)]
    assert all(a["ok"] for a in acks)
    assert (await again.call("message", {"text": unacked[0], "client_id": "after-0"}))["id"] == acks[0]["id"]
    third = await visitor(served, visitor_token=token)
    history = (await third.next("session"))["messages"]
    assert [(m["id"], m["text"]) for m in history] == [(before["id"], "before")] + [
        (a["id"], text) for a, text in zip(acks, unacked, strict=True)
    ]  # each stored once, the oversized one not at all
    assert (await bystander.call("message", {"text": "unaffected"}))["ok"]  # other visitors never noticed
    for probe in (again, third, bystander):
        await probe.drop()


async def test_short_client_ids_from_other_widgets_are_accepted_and_deduplicated(hub: Hub, db: Database) -> None:
    guest = await visitor(hub.url)
    await guest.next("session")
    first = await guest.call("message", {"text": "hi, anyone?", "client_id": "a1B2"})
    resend = await guest.call("message", {"text": "hi, anyone?", "client_id": "a1B2"})
    assert first["ok"] and resend["duplicate"] is True and resend["id"] == first["id"]
    # The same short id with other words: a widget counting from 1 again after a reload, a new message.
    recount = await guest.call("message", {"text": "我换了个问题", "client_id": "a1B2"})
    assert recount["ok"] and recount["duplicate"] is False and recount["id"] != first["id"]
    for cid in ["x_-9", "0001", "V1StGXR8_Z5jdHi6B-myT", "7c9e6679-7425-40de-944b-e07fc1f90ae7", "z" * 64]:
        assert (await guest.call("message", {"text": f"id {cid}", "client_id": cid}))["duplicate"] is False
    other = await visitor(hub.url)
    await other.next("session")
    theirs = await other.call("message", {"text": "hi, anyone?", "client_id": "a1B2"})
    assert theirs["ok"] and theirs["duplicate"] is False  # ids are per visitor
    refusal = {"code": "bad_request", "message": "client_id must be 4-64 characters of [A-Za-z0-9_-]"}
    odd: list[object] = ["ab1", "z" * 65, "msg.0001", "消息0001", "id 0001", "v1:0001", "", 12345]
    for bad in odd:
        assert await guest.call("message", {"text": "odd id", "client_id": bad}) == {"ok": False, "error": refusal}
    assert (await guest.call("message", {"text": "odd id", "client_id": None}))["ok"]  # no id: each send is new
    async with db.read() as s:
        assert await s.scalar(select(func.count()).where(Interaction.text == "odd id")) == 1
    for probe in (guest, other):
        await probe.close()


async def test_half_an_emoji_is_stored_with_a_replacement_character(hub: Hub, db: Database) -> None:
    guest = await visitor(hub.url)
    await guest.next("session")
    ack = await guest.call("message", {"text": "thanks \ud83d", "client_id": "cut-emoji"})
    assert ack["ok"] is True
    assert await stored_texts(db) == ["thanks \ufffd"]
    await guest.close()


async def test_webchat_fixtures_are_refused_or_stored_by_their_class(hub: Hub) -> None:
    channel = next(c for c in hub.app[keys.CHANNELS] if c.kind == "webchat")
    names = {p.name for p in FIXTURES.glob("*.json")}
    assert {
        "short_client_id_4_chars.json",
        "rejected_client_id_65_chars.json",
        "lone_surrogate_cut_emoji.json",
    } <= names
    for path in sorted(FIXTURES.glob("*.json")):
        raw, rejected = webchat_raw(path)
        spec = json.loads(path.read_text(encoding="utf-8"))
        if rejected:
            with pytest.raises(InboundRejected) as info:
                channel.parse_inbound(raw)
            assert info.value.code == rejected, path.name
            continue
        envelope = channel.parse_inbound(raw)
        client_id = spec["payload"].get("client_id")
        assert client_id is None or f":{client_id}:" in envelope.external_id, path.name


def test_the_transport_ceiling_stays_above_the_message_limit() -> None:
    assert load_settings(env={}).chat_transport_bytes == 1024 * 1024
    big = load_settings(env={"HUB_CHAT_MAX_MESSAGE_BYTES": "400000"})
    assert big.chat_transport_bytes == 400_000 * 6 + 1024  # grows with the limit when not set
    assert load_settings(env={"HUB_CHAT_TRANSPORT_MAX_BYTES": "2000000"}).chat_transport_bytes == 2_000_000
    with pytest.raises(SettingsError, match=r"chat_transport_max_bytes.*at least 62464"):
        load_settings(env={"HUB_CHAT_TRANSPORT_MAX_BYTES": "60000"})
