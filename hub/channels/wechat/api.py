"""The WeChat HTTP API: access token (cached, refreshed), customer-service messages, media download."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from hub.channels.wechat.config import WeChatAccount
from hub.wording import Wording

# errcodes meaning "this access token is no good": fetch a new one and try once more.
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
# errcodes worth retrying later: system busy, rate limits.
TRANSIENT_ERRORS = frozenset({-1, 45009, 45011})
OUTSIDE_WINDOW = 45015
# "api unauthorized": the account may not call this API (unverified subscription accounts and user/info).
UNAUTHORIZED = 48001


class WeChatApiError(Exception):
    def __init__(self, errcode: int, errmsg: str, *, transient: bool = False) -> None:
        super().__init__(f"WeChat error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg
        self.transient = transient or errcode in TRANSIENT_ERRORS


# errcodes of a customer-service message an agent can act on, said in their language.
CAUSES = {
    OUTSIDE_WINDOW: "WeChat accepts replies only within 48 hours of the customer's last message",
    43004: "the customer no longer follows the official account",
    40003: "WeChat does not know this customer (an invalid OpenID)",
    45047: "WeChat allows no more replies until the customer writes again",
}


def problem_of(exc: WeChatApiError) -> Wording:
    """A WeChat refusal as a cause the agent reads in their language; others are named by their errcode."""
    cause = CAUSES.get(exc.errcode)
    if cause:
        return Wording(cause)
    if exc.transient:
        return Wording("WeChat is busy (error %(code)s); the hub tries again", {"code": exc.errcode})
    return Wording("WeChat refused the message (error %(code)s)", {"code": exc.errcode})


@dataclass(frozen=True, slots=True)
class Media:
    data: bytes
    content_type: str
    filename: str


class WeChatApi:
    def __init__(self, base: str, account: WeChatAccount, http: aiohttp.ClientSession) -> None:
        self._base = base.rstrip("/")
        self._account = account
        self._http = http
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()  # one token fetch at a time; WeChat limits them per day

    async def access_token(self, *, refresh: bool = False) -> str:
        async with self._lock:
            if refresh or self._token is None or time.monotonic() >= self._expires:
                params = {
                    "grant_type": "client_credential",
                    "appid": self._account.appid,
                    "secret": self._account.appsecret,
                }
                data = await self._json("GET", "/cgi-bin/token", params=params)
                self._token = str(data["access_token"])
                # Renew five minutes early so a send never races the expiry.
                self._expires = time.monotonic() + max(60, int(data.get("expires_in", 7200)) - 300)
            return self._token

    async def send_text(self, openid: str, text: str) -> None:
        body = {"touser": openid, "msgtype": "text", "text": {"content": text}}
        await self._with_token("POST", "/cgi-bin/message/custom/send", json=body)

    async def user_info(self, openid: str) -> dict[str, Any]:
        """The follower's profile (cgi-bin/user/info); since 2021 most accounts get no nickname in it."""
        return await self._with_token("GET", "/cgi-bin/user/info", extra={"openid": openid, "lang": "zh_CN"})

    async def fetch_media(self, media_id: str, max_bytes: int) -> Media:
        for attempt in (1, 2):
            token = await self.access_token(refresh=attempt == 2)
            params = {"access_token": token, "media_id": media_id}
            async with self._http.get(f"{self._base}/cgi-bin/media/get", params=params) as r:
                if r.status >= 500:
                    raise WeChatApiError(r.status, "media server error", transient=True)
                content_type = r.headers.get("Content-Type", "application/octet-stream").split(";")[0]
                if content_type in ("application/json", "text/plain"):
                    data = await r.json(content_type=None)
                    video_url = data.get("video_url") if isinstance(data, dict) else None
                    if isinstance(video_url, str) and video_url.startswith(("http://", "https://")):
                        # A video message: WeChat answers with where to download it, not with its bytes.
                        async with self._http.get(video_url) as video:
                            if video.status != 200:
                                raise WeChatApiError(0, f"video download answered HTTP {video.status}",
                                                     transient=video.status >= 500)  # fmt: skip
                            return await _media(video, f"{media_id}.mp4", "video/mp4", max_bytes)
                    code = int(data.get("errcode", 0))
                    if code in TOKEN_ERRORS and attempt == 1:
                        continue
                    raise WeChatApiError(code, str(data.get("errmsg", "")))
                return await _media(r, media_id, content_type, max_bytes)
        raise AssertionError("unreachable")

    async def _with_token(
        self, method: str, path: str, extra: dict[str, str] | None = None, **kw: Any
    ) -> dict[str, Any]:
        try:
            params = {"access_token": await self.access_token(), **(extra or {})}
            return await self._json(method, path, params=params, **kw)
        except WeChatApiError as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
        params = {"access_token": await self.access_token(refresh=True), **(extra or {})}
        return await self._json(method, path, params=params, **kw)

    async def _json(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        try:
            async with self._http.request(method, self._base + path, **kw) as r:
                if r.status >= 500:
                    raise WeChatApiError(r.status, f"HTTP {r.status}", transient=True)
                data = await r.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise WeChatApiError(-1, f"{type(exc).__name__}: {exc}", transient=True) from None
        if not isinstance(data, dict):
            raise WeChatApiError(-1, "unexpected response", transient=True)
        code = int(data.get("errcode", 0) or 0)
        if code != 0:
            raise WeChatApiError(code, str(data.get("errmsg", "")))
        return data


async def _media(r: aiohttp.ClientResponse, default_name: str, content_type: str, max_bytes: int) -> Media:
    """The file of a media answer, within the attachment limit, named as WeChat's Content-Disposition says."""
    if r.content_length is not None and r.content_length > max_bytes:
        raise WeChatApiError(0, f"media of {r.content_length} bytes is over the limit")
    data = await r.content.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise WeChatApiError(0, f"media is over the {max_bytes}-byte limit")
    disposition = r.headers.get("Content-Disposition", "")
    filename = disposition.split("filename=")[-1].strip('"') if "filename=" in disposition else default_name
    served = r.headers.get("Content-Type", "").split(";")[0].strip()
    return Media(data, served if served and served != "application/octet-stream" else content_type, filename)
