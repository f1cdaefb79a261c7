"""Per-sender limits where the sender can come back: SMTP answers 451 at MAIL FROM, web chat says slow down."""

from __future__ import annotations

import dataclasses
from typing import Any

import aiosmtplib
import pytest
from sqlalchemy import func, select

from hub.app import create_app
from hub.channels.email.config import email_config
from hub.channels.limits import MAX_SENDERS, SenderLimiter
from hub.channels.webchat.visitor import MESSAGES_PER_MINUTE
from hub.db.engine import Database
from hub.db.models import Interaction
from hub.settings import Settings
from tests.conftest import Hub
from tests.sockets import visitor


async def inbound(db: Database) -> int:
    async with db.read() as s:
        return int(
            await s.scalar(select(func.count()).select_from(Interaction).where(Interaction.direction == "inbound")) or 0
        )


async def test_smtp_flood_gets_451_before_data_and_others_still_get_in(
    settings: Settings, aiohttp_server: Any, db: Database
) -> None:
    custom = settings.with_channel("email", dataclasses.replace(email_config(settings), mails_per_sender_per_minute=3))
    await aiohttp_server(create_app(custom))

    async def send(sender: str, n: int) -> None:
        mail = (
            f"From: {sender}\r\nTo: support@hub.test\r\nSubject: {n}\r\nMessage-ID: <lim-{sender}-{n}@x>\r\n\r\nhi\r\n"
        )
        await aiosmtplib.send(mail.encode(), sender=sender, recipients=["support@hub.test"], hostname="127.0.0.1",
                              port=custom.smtp_port)  # fmt: skip

    for n in range(3):
        await send("flood@example.com", n)
    with pytest.raises(aiosmtplib.SMTPSenderRefused) as refused:
        await send("flood@example.com", 3)
    assert refused.value.code == 451 and "try again later" in refused.value.message
    await send("calm@example.com", 0)  # someone else is not held up
    assert await inbound(db) == 4


async def test_chat_flood_is_told_to_slow_down_and_not_stored(hub: Hub, db: Database) -> None:
    guest = await visitor(hub.url)
    await guest.next("session")
    for n in range(MESSAGES_PER_MINUTE):
        assert (await guest.call("message", {"text": f"m{n}"}))["ok"] is True
    ack = await guest.call("message", {"text": "one too many"})
    assert ack == {
        "ok": False,
        "error": {"code": "slow_down", "message": "too many messages in a minute; please wait a moment"},
    }
    assert await inbound(db) == MESSAGES_PER_MINUTE
    await guest.close()


def test_the_limiter_forgets_quiet_senders_and_old_messages() -> None:
    now = [0.0]
    limiter = SenderLimiter(per_minute=2)
    limiter._clock = lambda: now[0]
    assert limiter.allow("a") and limiter.allow("a") and not limiter.allow("a")
    now[0] = 61.0
    assert limiter.allow("a")  # a minute later
    for n in range(MAX_SENDERS + 10):
        limiter.allow(f"s{n}")
    assert len(limiter._seen) <= MAX_SENDERS
    now[0] = 130.0
    assert limiter.allow("late")
    assert list(limiter._seen) == ["late"]  # everyone quiet for a minute is forgotten
    assert limiter.allow("late") and not limiter.allow("late")  # and the limit still holds
