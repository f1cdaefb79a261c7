"""IMAP against a real Dovecot (scripts/test-services.sh): exactly once across a restart, flags after storing."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient
from sqlalchemy import select

from hub.app import EMAIL, create_app
from hub.channels.email.config import ImapSource, Mailbox, email_config
from hub.db.engine import Database
from hub.db.models import Customer, Interaction, MailCheckpoint
from hub.settings import Settings
from tests.waiting import until

IMAP = os.environ.get("HUB_TEST_IMAP")  # host:port of the test Dovecot
REQUIRED = os.environ.get("HUB_TEST_REQUIRE_IMAP") == "1"
pytestmark = [
    pytest.mark.skipif(not IMAP and not REQUIRED, reason="needs the test IMAP server (HUB_TEST_IMAP)"),
    pytest.mark.xdist_group("imap"),  # one server login for all: kept on one worker
]
USER, PASSWORD = "support@example.test", "secret"


def imap() -> IMAPClient:
    assert IMAP, "HUB_TEST_IMAP=host:port is required (HUB_TEST_REQUIRE_IMAP=1)"
    host, port = IMAP.rsplit(":", 1)
    client = IMAPClient(host, port=int(port), ssl=False)
    client.login(USER, PASSWORD)
    return client


@contextmanager
def own_folders() -> Iterator[tuple[str, str]]:
    """A mailbox folder and its archive of the caller's own, so no other test's (or run's) mail is ever in it."""
    inbox = f"test-{uuid.uuid4().hex[:12]}"
    with imap() as c:
        c.create_folder(inbox)
        c.create_folder(f"{inbox}-archive")
    try:
        yield inbox, f"{inbox}-archive"
    finally:
        with imap() as c:
            c.delete_folder(inbox)
            c.delete_folder(f"{inbox}-archive")


@pytest.fixture
def folders() -> Iterator[tuple[str, str]]:
    with own_folders() as made:
        yield made


def append(folder: str, n: int, subject: str) -> None:
    mail = (
        f"From: Customer {n} <c{n}@example.com>\r\nTo: {USER}\r\nSubject: {subject}\r\n"
        f"Message-ID: <imap-{n}@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n第{n}封邮件 mail {n}\r\n"
    )
    with imap() as c:
        c.append(folder, mail.encode())


def flags(folder: str) -> dict[int, tuple[bytes, ...]]:
    with imap() as c:
        c.select_folder(folder, readonly=True)
        return {uid: data[b"FLAGS"] for uid, data in c.fetch(c.search(["ALL"]), ["FLAGS"]).items()}


async def stored(db: Database) -> list[str]:
    async with db.read() as s:
        return list(await s.scalars(select(Interaction.external_id).where(Interaction.direction == "inbound")))


def imap_settings(settings: Settings, folder: str, after: str) -> Settings:
    assert IMAP
    host, port = IMAP.rsplit(":", 1)
    source = ImapSource(host, USER, PASSWORD, port=int(port), ssl=False, folder=folder, after=after, poll_seconds=1)
    box = Mailbox("imap-support", ("imap-support@hub.test",), None, "Support", None, source)
    email = email_config(settings)
    email = dataclasses.replace(email, mailboxes=(*email.mailboxes, box))
    return settings.with_channel("email", dataclasses.replace(email, by_address={**email.by_address, box.address: box}))


async def test_imap_mail_is_stored_exactly_once_across_a_restart(
    settings: Settings, aiohttp_server: Any, db: Database, folders: tuple[str, str]
) -> None:
    inbox = folders[0]
    await asyncio.to_thread(append, inbox, 1, "first")
    await asyncio.to_thread(append, inbox, 2, "second")
    custom = imap_settings(settings, inbox, "seen")

    server = await aiohttp_server(create_app(custom))
    await until(lambda: _count(db, 2))
    await until(lambda: _all_seen(inbox))
    await server.close()  # the hub stops; mail keeps arriving

    await asyncio.to_thread(append, inbox, 3, "while the hub was down")
    server = await aiohttp_server(create_app(custom))
    await until(lambda: _count(db, 3))
    newest = max(await asyncio.to_thread(lambda: list(flags(inbox))))

    async def checkpointed() -> bool:
        # The checkpoint follows the stored mail (stored first, then the UID noted): wait for it, never a sleep.
        async with db.read() as s:
            checkpoint = await s.get(MailCheckpoint, "imap-support")
        return checkpoint is not None and checkpoint.last_uid == newest

    await until(checkpointed, timeout=60, what="the checkpoint at the newest UID")
    await until(lambda: _all_seen(inbox), timeout=60, what="every mail flagged seen")
    ids = await stored(db)
    assert sorted(ids) == ["<imap-1@example.com>", "<imap-2@example.com>", "<imap-3@example.com>"]
    await server.close()


async def test_imap_moves_mail_after_storing_and_idles_for_new_mail(
    settings: Settings, aiohttp_server: Any, db: Database, folders: tuple[str, str]
) -> None:
    inbox, archive = folders
    app = create_app(imap_settings(settings, inbox, f"move:{archive}"))
    server = await aiohttp_server(app)
    poller = app[EMAIL].pollers[0]
    await until(lambda: _true(poller.connected.is_set()))
    await asyncio.to_thread(append, inbox, 7, "arrives while idling")  # IDLE wakes the poller
    await until(lambda: _count(db, 1))
    await until(lambda: _folder_empty(inbox))
    with imap() as c:
        c.select_folder(archive, readonly=True)
        assert len(c.search(["ALL"])) == 1
    await server.close()


async def _true(value: bool) -> bool:
    return value


async def _count(db: Database, n: int) -> bool:
    return len(await stored(db)) >= n


async def _all_seen(folder: str) -> bool:
    found = await asyncio.to_thread(flags, folder)
    return bool(found) and all(b"\\Seen" in f for f in found.values())


async def _folder_empty(folder: str) -> bool:
    return not await asyncio.to_thread(flags, folder)


async def test_world_mail_polled_from_imap_reads_as_written(
    settings: Settings, aiohttp_server: Any, db: Database, folders: tuple[str, str]
) -> None:
    """IMAP has no envelope: raw 8-bit headers in KOI8-R, Windows' ISO-2022-JP and Outlook's winmail.dat come
    through the poller as they do through SMTP."""
    inbox = folders[0]
    corpus = Path(__file__).parent / "fixtures"
    names = ("koi8r_8bit_headers.eml", "iso2022jp_windows_chars.eml", "outlook_winmail_dat_cp936.eml")
    with imap() as c:
        for name in names:
            c.append(inbox, (corpus / name).read_bytes())
    server = await aiohttp_server(create_app(imap_settings(settings, inbox, "seen")))
    await until(lambda: _count(db, 3), timeout=60, what="the three mails stored")
    async with db.read() as s:
        rows = {
            i.external_id: i for i in await s.scalars(select(Interaction).where(Interaction.direction == "inbound"))
        }
        names_of = {c.id: c.display_name for c in await s.scalars(select(Customer))}
    koi8, jis, outlook = rows["<ru2@example.ru>"], rows["<jp1@example.co.jp>"], rows["<6F1D2E3C4B5A@EXCH01.example.cn>"]
    assert koi8.text == "Здравствуйте! Мой заказ 5512 не пришёл." and names_of[koi8.customer_id] == "Иван Петров"
    assert jis.text.splitlines()[1] == "注文番号①の件で、㈱山田商事です。" and names_of[jis.customer_id] == "山田 太郎"
    assert [a["filename"] for a in outlook.attachments] == ["2026年报价单-最终版.xlsx", "发票.pdf", "截图.png"]
    await server.close()
