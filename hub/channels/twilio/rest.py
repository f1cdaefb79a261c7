"""The Twilio REST client on our event loop, pointed at HUB_TWILIO_API_BASE when set (a proxy or a local fake)."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from hub.channels.twilio.config import TwilioConfig

TIMEOUT_S = 15.0


class _HttpClient(AsyncTwilioHttpClient):  # type: ignore[misc]
    """Rewrites every Twilio host (api, messaging, voice, regional edges) to one base; sends auth as a header."""

    def __init__(self, base: str | None) -> None:
        super().__init__(pool_connections=False)
        self._base = urlsplit(base) if base else None
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_S))

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, str] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 (the base class's signature; the session's timeout applies)
        allow_redirects: bool = False,
    ) -> Response:
        if self._base is not None:
            parts = urlsplit(url)
            url = urlunsplit((self._base.scheme, self._base.netloc, parts.path, parts.query, ""))
        headers = dict(headers or {})
        if auth is not None:
            # aiohttp deprecates auth=BasicAuth(...); the header is the same thing.
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        # Not super().request(): it passes timeout=None, which aiohttp reads as "no timeout at all".
        assert self.session is not None
        async with self.session.request(
            method.upper(), url, params=params, data=data, headers=headers, allow_redirects=allow_redirects
        ) as r:
            return Response(r.status, await r.text(), r.headers)


class TwilioRest:
    """One client per process; created on the running loop and closed with the hub."""

    def __init__(self, config: TwilioConfig) -> None:
        self._http = _HttpClient(config.api_base)
        self.client = Client(config.account_sid, config.auth_token, http_client=self._http)

    async def send_sms(self, **kwargs: Any) -> Any:
        return await self.client.messages.create_async(**kwargs)

    async def close(self) -> None:
        await self._http.close()
