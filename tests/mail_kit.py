"""A local SMTP server that captures what the hub sends (standing in for the company's relay)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import email
from collections.abc import AsyncIterator
from email import policy
from email.message import EmailMessage
from typing import Any

import aiohttp
import aiosmtplib
from aiosmtpd.smtp import SMTP, Envelope, Session

from hub.app import create_app
from hub.channels.email.config import Relay, email_config
from hub.settings import Settings
from tests.conftest import Hub


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


@dataclasses.dataclass
class MailHub:
    """A running hub with its SMTP listener, and a local relay that captures what it sends."""

    hub: Hub
    relay: Captured
    smtp_port: int

    async def send(self, raw: bytes, to: str = "support@hub.test", sender: str = "someone@example.com") -> Any:
        """One SMTP transaction; sender "" is the null sender (MAIL FROM:<>) that delivery reports use."""
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=self.smtp_port) as client:
            return await client.sendmail(sender, [to], raw)


@contextlib.asynccontextmanager
async def started_mail_hub(settings: Settings, aiohttp_server: Any) -> AsyncIterator[MailHub]:
    server, captured, port = await relay_server()
    email = dataclasses.replace(email_config(settings), relay=Relay("127.0.0.1", port), max_message_bytes=300_000)
    custom = settings.with_channel("email", email)
    app = create_app(custom)
    try:
        yield MailHub(Hub(await aiohttp_server(app), app, custom), captured, custom.smtp_port)
    finally:
        server.close()


async def call_api(hub: Hub, token: str, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    """One REST call with an API token: (status, JSON body or text)."""
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, **kwargs) as r:
        return r.status, (await r.json() if r.content_type == "application/json" else await r.text())
