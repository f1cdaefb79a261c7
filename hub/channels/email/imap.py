"""IMAP polling: one worker thread per mailbox (imapclient blocks), storing through the event loop.

Each mail is fetched with BODY.PEEK[] (reading never marks it seen), stored by the intake on the
loop, then the checkpoint (UIDVALIDITY, last UID) is committed, and only then is the mail flagged,
moved or deleted as configured. A crash between any two steps re-reads at most that one mail, which
the Message-ID (or content hash) turns into a no-op. IDLE where the server has it, polling otherwise;
reconnects back off from 1 s to 60 s.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

from imapclient import IMAPClient

from hub.channels.email.config import ImapSource, Mailbox
from hub.channels.email.intake import EmailIntake
from hub.channels.email.ports import Checkpoints

log = logging.getLogger(__name__)
BATCH = 20  # mails fetched per round trip
IDLE_CHECK_S = 1.0  # how often an idle worker looks at its stop flag
MAX_BACKOFF_S = 60.0


class ImapPoller:
    def __init__(self, mailbox: Mailbox, intake: EmailIntake, checkpoints: Checkpoints) -> None:
        assert mailbox.imap is not None
        self.mailbox = mailbox
        self.source: ImapSource = mailbox.imap
        self._intake = intake
        self._checkpoints = checkpoints
        self._stop = threading.Event()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.connected = threading.Event()  # for readiness and tests
        self.client_factory: Callable[[], IMAPClient] = self._connect

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop.clear()
        self._task = asyncio.create_task(asyncio.to_thread(self._run), name=f"hub-imap-{self.mailbox.name}")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task

    def _connect(self) -> IMAPClient:
        client = IMAPClient(self.source.host, port=self.source.port, ssl=self.source.ssl, timeout=30)
        client.login(self.source.username, self.source.password)
        return client

    def _run(self) -> None:
        backoff = 1.0
        while not self._stop.is_set():
            try:
                client = self.client_factory()
            except Exception as exc:
                log.warning("IMAP %s: cannot connect (%s); retrying in %.0f s", self.mailbox.name, exc, backoff)
                self._stop.wait(backoff)
                backoff = min(MAX_BACKOFF_S, backoff * 2)
                continue
            try:
                backoff = 1.0
                self.connected.set()
                self._session(client)
            except Exception as exc:
                log.warning("IMAP %s: connection lost (%s); reconnecting", self.mailbox.name, exc)
                self._stop.wait(backoff)
                backoff = min(MAX_BACKOFF_S, backoff * 2)
            finally:
                self.connected.clear()
                try:
                    client.logout()
                except Exception:  # already gone
                    log.debug("IMAP %s: logout failed", self.mailbox.name, exc_info=True)

    def _session(self, client: IMAPClient) -> None:
        info = client.select_folder(self.source.folder)
        validity = int(info[b"UIDVALIDITY"])
        idle = b"IDLE" in client.capabilities()
        while not self._stop.is_set():
            last = self._on_loop(self._checkpoint(validity))
            uids = sorted(u for u in client.search(["UID", f"{last + 1}:*"]) if u > last)
            for start in range(0, len(uids), BATCH):
                if self._stop.is_set():
                    return
                batch = uids[start : start + BATCH]
                fetched = client.fetch(batch, ["BODY.PEEK[]"])
                for uid in batch:
                    data = fetched.get(uid, {}).get(b"BODY[]")
                    if not isinstance(data, bytes):
                        continue
                    self._on_loop(self._store(uid, validity, data))
                    self._after(client, uid)
            if not uids:
                self._wait(client, idle)

    def _wait(self, client: IMAPClient, idle: bool) -> None:
        if not idle:
            self._stop.wait(self.source.poll_seconds)
            return
        client.idle()
        try:
            # Wake on any news, or every 25 minutes as RFC 2177 advises, looking at the stop flag often.
            for _ in range(int(25 * 60 / IDLE_CHECK_S)):
                if self._stop.is_set() or client.idle_check(timeout=IDLE_CHECK_S):
                    break
        finally:
            client.idle_done()

    def _after(self, client: IMAPClient, uid: int) -> None:
        after = self.source.after
        if after == "seen":
            client.add_flags([uid], [b"\\Seen"])
        elif after == "delete":
            client.delete_messages([uid])
            client.expunge()
        else:
            client.move([uid], after.removeprefix("move:"))

    def _on_loop(self, coro: Any) -> Any:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    async def _checkpoint(self, validity: int) -> int:
        return await self._checkpoints.last_uid(self.mailbox.name, validity)

    async def _store(self, uid: int, validity: int, data: bytes) -> None:
        await self._intake.receive(data, self.mailbox)
        await self._checkpoints.advance(self.mailbox.name, uid=uid, validity=validity)
