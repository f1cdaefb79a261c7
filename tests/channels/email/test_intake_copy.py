"""A small mail is copied and parsed in one trip to a thread, the copy first: every mail, read or not, is on
disk under its SHA-256 before the 250, and the stored message names that copy."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from hub.app import EMAIL
from hub.db.engine import Database
from hub.db.models import Interaction, MailNotice
from hub.settings import Settings
from tests.mail_kit import MailHub, started_mail_hub


@pytest.fixture
async def mail_hub(settings: Settings, aiohttp_server: Any) -> AsyncIterator[MailHub]:
    async with started_mail_hub(settings, aiohttp_server) as started:
        yield started


async def test_a_small_mail_is_on_disk_under_its_hash_and_stored_with_its_key(mail_hub: MailHub, db: Database) -> None:
    headers = "From: li@example.com\r\nTo: support@hub.test\r\nSubject: order\r\nMessage-ID: <s1@x>\r\n"
    raw = (headers + "Content-Type: text/plain; charset=utf-8\r\n\r\n订单没到\r\n").encode()
    await mail_hub.send(raw, sender="li@example.com")
    intake = mail_hub.hub.app[EMAIL].intake
    async with db.read() as s:
        row = (await s.scalars(select(Interaction).where(Interaction.direction == "inbound"))).one()
    assert row.text == "订单没到"
    assert intake.raw.digest(row.meta["raw_key"]) == hashlib.sha256(raw).hexdigest()
    assert intake.raw.path(row.meta["raw_key"]).read_bytes() == raw
    assert intake.parser._pool is None  # read in the thread that wrote the copy, no worker process started


async def test_a_small_delivery_report_is_kept_as_a_notice_with_its_copy(mail_hub: MailHub, db: Database) -> None:
    raw = (
        b"From: MAILER-DAEMON@example.com\r\nTo: support@hub.test\r\nSubject: Undelivered Mail\r\n"
        b"Message-ID: <bounce-1@example.com>\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nYour mail could not be delivered.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n"
        b"Final-Recipient: rfc822; gone@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--b--\r\n"
    )
    await mail_hub.send(raw, sender="")
    intake = mail_hub.hub.app[EMAIL].intake
    async with db.read() as s:
        notice = (await s.scalars(select(MailNotice))).one()
        assert (await s.scalars(select(Interaction).where(Interaction.channel == "email"))).first() is None
    assert intake.raw.path(notice.meta["raw_key"]).read_bytes() == raw
