"""The Twilio channels as one service: shared credentials, signature checks, IVR, media downloads after the answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path

import aiohttp
from aiohttp import web

from hub.channels.client_address import Network
from hub.channels.storage import LocalDirectoryStore
from hub.channels.twilio.config import TwilioConfig
from hub.channels.twilio.ivr import Ivr, load_ivr
from hub.channels.twilio.media import MediaRefused, fetch
from hub.channels.twilio.signature import PublicAddress, WebhookSignature
from hub.channels.twilio.sms import SmsChannel
from hub.channels.twilio.voice import VoiceChannel
from hub.routing.calls import CallOffers
from hub.settings import PROJECT_ROOT
from hub.tickets.calls import CallStore
from hub.tickets.desk import ChannelDesk

log = logging.getLogger(__name__)


class TwilioService:
    def __init__(
        self,
        config: TwilioConfig,
        public_url: str | None,
        calls: CallStore,
        offers: CallOffers,
        desk: ChannelDesk,
        files: LocalDirectoryStore,
        trusted_proxies: Sequence[Network] = (),
    ) -> None:
        self.config = config
        self.public_url = public_url
        self.public = PublicAddress(public_url, tuple(trusted_proxies))
        self.signature = WebhookSignature(config.auth_token, config.webhook_shared_key)
        self.sms = SmsChannel(config, public_url)
        self.voice = VoiceChannel()
        ivr_path = Path(config.ivr)
        self.ivr: Ivr = load_ivr(ivr_path if ivr_path.is_absolute() or ivr_path.exists() else PROJECT_ROOT / ivr_path)
        self.calls = calls  # each call's progress, kept by the core
        self.offers = offers  # the agent it rings, and their answer
        self.desk = desk
        self._files = files
        self._http: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._http = aiohttp.ClientSession()

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.close()

    def base_url(self, request: web.Request) -> str:
        """Where Twilio reaches us: callback URLs in TwiML are absolute, so their signatures match."""
        return self.public.origin(request)

    def fetch_media_later(self, interaction_id: int, media: list[dict[str, str]]) -> None:
        """After the answer: Twilio waits 15 s at most for a webhook, a download can take longer."""
        task = asyncio.create_task(self._fetch_media(interaction_id, media))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Until media downloads started so far are done (tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _fetch_media(self, interaction_id: int, media: list[dict[str, str]]) -> None:
        assert self._http is not None
        stored, problems = [], []
        for item in media:
            try:
                got = await fetch(self._http, item["url"], self.config)
                stored.append(await self._files.put(got.data, got.filename, got.content_type))
            except (MediaRefused, ValueError) as exc:
                log.warning("MMS media for interaction %s not stored: %s", interaction_id, exc)
                problems.append(f"media {item['url'][:200]} not fetched: {exc}")
        await self.desk.add_attachments(interaction_id, stored, warning="; ".join(problems) or None)
