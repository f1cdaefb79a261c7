"""A local SMTP server that captures what the hub sends (standing in for the company's relay)."""

from __future__ import annotations

import asyncio
import email
from email import policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session


class Captured:
    def __init__(self) -> None:
        self.mails: asyncio.Queue[tuple[Envelope, EmailMessage]] = asyncio.Queue()
        self.refuse_with: str | None = None  # e.g. "451 4.3.0 busy" to make the relay fail

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse_with:
            return self.refuse_with
        msg = email.message_from_bytes(envelope.original_content or b"", policy=policy.default)
        assert isinstance(msg, EmailMessage)
        await self.mails.put((envelope, msg))
        return "250 OK"

    async def next(self, timeout: float = 5) -> EmailMessage:
        return (await asyncio.wait_for(self.mails.get(), timeout))[1]


async def relay_server() -> tuple[asyncio.Server, Captured, int]:
    captured = Captured()
    loop = asyncio.get_running_loop()

    def protocol() -> Any:
        return SMTP(captured, hostname="relay.test", decode_data=False, loop=loop)

    server = await loop.create_server(protocol, "127.0.0.1", 0)
    return server, captured, int(server.sockets[0].getsockname()[1])
