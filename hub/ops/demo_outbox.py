"""The demo's mail sink: an SMTP server in the demo process that keeps the replies the hub sends."""

from __future__ import annotations

import asyncio
import dataclasses
import email
import email.policy
import socket
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from aiohttp import web
from aiosmtpd.smtp import SMTP, Envelope, Session

from hub.channels.email.config import Relay, email_config
from hub.clock import utcnow
from hub.settings import Settings

PAGE = "/demo/outbox"  # where the console shows them
KEPT = 200  # the newest mails; a demo left running for days does not grow without end


@dataclass(frozen=True, slots=True)
class SentMail:
    received_at: datetime
    mail_from: str
    rcpt_tos: tuple[str, ...]
    subject: str
    message_id: str
    text: str
    attachments: tuple[str, ...]


def _read(envelope: Envelope) -> SentMail:
    raw = envelope.original_content or envelope.content or b""
    message = email.message_from_bytes(raw if isinstance(raw, bytes) else raw.encode(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # the default policy makes EmailMessage
    body = message.get_body(preferencelist=("plain", "html"))
    return SentMail(
        received_at=utcnow(),
        mail_from=envelope.mail_from or "",
        rcpt_tos=tuple(envelope.rcpt_tos),
        subject=str(message.get("Subject", "")),
        message_id=str(message.get("Message-ID", "")),
        text=body.get_content() if isinstance(body, EmailMessage) else "",
        attachments=tuple(part.get_filename() or "file" for part in message.iter_attachments()),
    )


class DemoOutbox:
    """An SMTP sink on a loopback port of its own, bound at once (so the relay's address is known before the
    hub is built) and served on the hub's event loop while the hub runs."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._sock = socket.create_server((host, 0))
        self.host, self.port = host, int(self._sock.getsockname()[1])
        self.mails: deque[SentMail] = deque(maxlen=KEPT)
        self._received = asyncio.Condition()

    @classmethod
    def unless_relayed(cls, settings: Settings) -> DemoOutbox | None:
        """A sink for the demo, unless the configuration names a relay of its own (then mail really leaves)."""
        return None if email_config(settings).relay is not None else cls()

    def relay_for(self, settings: Settings) -> Settings:
        return settings.with_channel(
            "email", dataclasses.replace(email_config(settings), relay=Relay(self.host, self.port))
        )

    async def serve(self, _app: web.Application) -> AsyncIterator[None]:
        """A cleanup context: the sink takes mail while the hub runs."""
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SMTP(self, hostname="demo-outbox", loop=loop), sock=self._sock)
        try:
            yield
        finally:
            server.close()
            await server.wait_closed()

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:
        self.mails.append(_read(envelope))
        async with self._received:
            self._received.notify_all()
        return "250 kept in the demo outbox"

    async def wait_for(self, count: int) -> list[SentMail]:
        """Once at least `count` mails arrived (for whoever waits on a reply: tests, mostly)."""
        async with self._received:
            await self._received.wait_for(lambda: len(self.mails) >= count)
        return list(self.mails)
