"""The email channel's running parts: the SMTP listener, one IMAP poller per mailbox, the raw-mail purge."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from hub.background import cancel
from hub.channels.email.channel import EmailChannel
from hub.channels.email.config import email_config
from hub.channels.email.imap import ImapPoller
from hub.channels.email.intake import EmailIntake
from hub.channels.email.notices import MailNotices
from hub.channels.email.ports import Lead, MailCore
from hub.channels.email.raw import RawMailStore
from hub.channels.email.smtp import SmtpListener
from hub.channels.storage import AttachmentStore
from hub.settings import Settings
from hub.tickets.ingest import Ingestor

log = logging.getLogger(__name__)
PURGE_EVERY_S = 24 * 3600


class EmailService:
    def __init__(self, settings: Settings, ingestor: Ingestor, core: MailCore, files: AttachmentStore) -> None:
        config = email_config(settings)
        self.channel = EmailChannel(config, config.relay, files)
        raw = RawMailStore(config.raw_dir, config.raw_retention_days)
        self.intake = EmailIntake(self.channel, ingestor, core.desk, MailNotices(core.notices), files, raw)
        self.smtp = SmtpListener(config, self.intake, config.listen_host, settings.smtp_port)
        self.pollers = [ImapPoller(m, self.intake, core.checkpoints) for m in config.mailboxes if m.imap is not None]
        # Exactly one process polls each mailbox (several processes share the database): the leader.
        self.leaderships: dict[str, Lead] = {
            p.mailbox.name: core.leadership(f"imap:{p.mailbox.name}", p.start, p.stop) for p in self.pollers
        }
        self._purge: asyncio.Task[None] | None = None
        self._retention_days = config.raw_retention_days

    async def start(self) -> None:
        await self.smtp.start()
        for leadership in self.leaderships.values():
            await leadership.begin()
        self._purge = asyncio.create_task(self._purge_daily(), name="hub-mail-purge")

    async def stop(self) -> None:
        await cancel(self._purge)
        for leadership in self.leaderships.values():
            with contextlib.suppress(Exception):
                await leadership.end()
        await self.smtp.stop()
        self.intake.parser.stop()

    async def _purge_daily(self) -> None:
        while True:
            removed = await asyncio.to_thread(self.intake.raw.purge)
            if removed:
                log.info("raw mail: %d days past retention removed", removed)
            try:
                notices = await self.intake.notices.purge(self._retention_days)
            except Exception:  # a busy database today: tomorrow's pass catches up
                log.exception("mail notices: purge failed")
            else:
                if notices:
                    log.info("mail notices: %d past retention removed", notices)
            await asyncio.sleep(PURGE_EVERY_S)
