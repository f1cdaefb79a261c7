"""MMS media download that cannot be turned against us: allow-listed hosts only, bounded size and time."""

from __future__ import annotations

import asyncio
import base64
import mimetypes
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp

from hub.channels.twilio.config import TwilioConfig

MAX_REDIRECTS = 3
REDIRECTS = frozenset({301, 302, 303, 307, 308})


class MediaRefused(Exception):
    """Not fetched, with the reason recorded on the message."""


@dataclass(frozen=True, slots=True)
class Media:
    data: bytes
    content_type: str
    filename: str


def allowed(url: str, config: TwilioConfig) -> bool:
    parts = urlsplit(url)
    schemes = ("https", "http") if config.media_allow_http else ("https",)
    if parts.scheme not in schemes or not parts.hostname or parts.username or parts.password:
        return False
    host = parts.hostname.lower()
    netloc = f"{host}:{parts.port}" if parts.port else host
    for entry in config.media_hosts:
        if entry.startswith("*."):
            if host.endswith(entry[1:]) and parts.port is None:
                return True
        elif entry in (netloc, host) and (parts.port is None or entry == netloc):
            return True
    return False


async def fetch(http: aiohttp.ClientSession, url: str, config: TwilioConfig) -> Media:
    """Twilio's media URLs need the account's credentials (when HTTP auth is on) and redirect to a CDN;
    credentials go only to the first host, and every hop must be on the list."""
    first_host = urlsplit(url).netloc
    token = base64.b64encode(f"{config.account_sid}:{config.auth_token}".encode()).decode()
    try:
        async with asyncio.timeout(config.media_timeout_s):
            for _hop in range(MAX_REDIRECTS + 1):
                if not allowed(url, config):
                    raise MediaRefused(f"media host not allowed: {urlsplit(url).netloc or url[:80]}")
                headers = {"Authorization": f"Basic {token}"} if urlsplit(url).netloc == first_host else {}
                async with http.get(url, headers=headers, allow_redirects=False) as r:
                    if r.status in REDIRECTS and "Location" in r.headers:
                        url = urljoin(url, r.headers["Location"])
                        continue
                    if r.status != 200:
                        raise MediaRefused(f"media server answered HTTP {r.status}")
                    limit = config.media_max_bytes
                    if r.content_length is not None and r.content_length > limit:
                        raise MediaRefused(f"media of {r.content_length} bytes is over the {limit}-byte limit")
                    data = await r.content.read(limit + 1)
                    if len(data) > limit:
                        raise MediaRefused(f"media is over the {limit}-byte limit")
                    content_type = r.headers.get("Content-Type", "application/octet-stream").split(";")[0].strip()
                    name = urlsplit(url).path.rsplit("/", 1)[-1] or "media"
                    if "." not in name:
                        name += mimetypes.guess_extension(content_type) or ""
                    return Media(data, content_type, name)
            raise MediaRefused(f"more than {MAX_REDIRECTS} redirects")
    except TimeoutError:
        raise MediaRefused(f"media download took over {config.media_timeout_s:g} s") from None
    except aiohttp.ClientError as exc:
        raise MediaRefused(f"media download failed: {type(exc).__name__}") from None
