"""Inbound SMTP inside the hub (aiosmtpd on our own event loop): mailboxes checked at RCPT, 250 after commit."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from hub.channels.email.config import EmailConfig
from hub.channels.email.intake import EmailIntake
from hub.channels.email.smtp_data import BulkDataSMTP
from hub.channels.limits import SenderLimiter

log = logging.getLogger(__name__)


class InboundHandler:
    """aiosmtpd hooks: refuse unknown recipients early; answer DATA only once the mail is stored."""

    def __init__(self, config: EmailConfig, intake: EmailIntake) -> None:
        self._config = config
        self._intake = intake
        self._senders = SenderLimiter(config.mails_per_sender_per_minute)

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, mail_options: list[str]
    ) -> str:
        # Before any data is sent: a flood costs the sender a retry, not us a mailbox full of copies.
        if not self._senders.allow(address.lower()):
            return "451 4.7.1 too many messages from this sender; please try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if self._config.mailbox_for(address) is None:
            return f"550 5.1.1 <{address}>: no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or envelope.content
        if not isinstance(data, bytes):
            data = str(data).encode("utf-8", "surrogateescape")
        # One mail to several of our mailboxes is one contact, in the first mailbox's queue.
        mailbox = next(m for m in map(self._config.mailbox_for, envelope.rcpt_tos) if m is not None)
        try:
            await self._intake.receive(data, mailbox, envelope.mail_from or "")
        except Exception:
            log.exception("storing a mail from %s failed", envelope.mail_from)
            return "451 4.3.0 the mail could not be stored; please try again later"
        return "250 2.0.0 stored"


class SmtpListener:
    def __init__(self, config: EmailConfig, intake: EmailIntake, host: str, port: int) -> None:
        self._handler = InboundHandler(config, intake)
        self._config = config
        self._host, self._port = host, port
        self._server: asyncio.Server | None = None
        self._sessions: weakref.WeakSet[SMTP] = weakref.WeakSet()

    async def start(self) -> None:
        loop = asyncio.get_running_loop()

        def protocol() -> Any:
            smtp = BulkDataSMTP(
                self._handler,
                hostname="hub",
                ident="hub ESMTP",
                data_size_limit=self._config.max_message_bytes,  # bigger mail: 552 before it is read
                enable_SMTPUTF8=True,
                decode_data=False,
                loop=loop,
            )
            self._sessions.add(smtp)
            return smtp

        # reuse_port: several hub processes on one host share the SMTP port; the kernel spreads connections.
        self._server = await loop.create_server(protocol, self._host, self._port, reuse_port=True)
        log.info("SMTP listening on %s:%s", self._host, self._port)

    @property
    def listening(self) -> bool:
        return self._server is not None and self._server.is_serving()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            # Clients still connected would hold wait_closed() open: hang up on them (a sender retries).
            for smtp in list(self._sessions):
                if smtp.transport is not None:
                    smtp.transport.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 5)
