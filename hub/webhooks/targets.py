"""Where a webhook may post: http(s) URLs whose host is a public address, checked when the hook is saved and
again on every connection (DNS may have changed), unless private targets are allowed."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from yarl import URL

from hub.wording import Worded

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(Worded, ValueError):
    """The URL is not one the hub posts to (the message says why, as a template the admin page translates)."""


class RefusedAddress(OSError):
    """Raised by the sender's resolver: the name resolves to an address the hub does not post to."""


def refused_address(address: Address) -> bool:
    """Loopback, private, link-local, multicast, reserved, unspecified or otherwise not globally routable."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast or address.is_reserved


def literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def parse_target(raw: str, *, allow_private: bool) -> URL:
    """The URL if its form is acceptable: http(s), a host, no credentials; a literal address must be public."""
    try:
        url = URL(raw)
    except ValueError:
        raise TargetRefused("url: not a URL") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise TargetRefused("url: must be an http:// or https:// URL with a host")
    if url.user or url.password:
        raise TargetRefused("url: must not carry a user name or password (the signature authenticates the hub)")
    address = literal(url.host)
    if address is not None and not allow_private and refused_address(address):
        raise TargetRefused("url: %(address)s is not a public address", address=str(address))
    return url


async def check_target(raw: str, *, allow_private: bool) -> URL:
    """parse_target, and every address the host name resolves to must be public (when saving a hook)."""
    url = parse_target(raw, allow_private=allow_private)
    assert url.host is not None
    if allow_private or literal(url.host) is not None:
        return url
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(url.host, url.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise TargetRefused("url: %(host)s does not resolve", host=url.host) from None
    for info in infos:
        address = literal(str(info[4][0]))
        if address is None or refused_address(address):
            raise TargetRefused(
                "url: %(host)s resolves to %(address)s, not a public address", host=url.host, address=str(info[4][0])
            )
    return url


class PublicOnlyResolver(AbstractResolver):
    """Resolves for the sender's connections and refuses a name with any non-public address: the check is
    made on the very addresses the connection uses, so a DNS answer that changed since saving cannot slip by."""

    def __init__(self) -> None:
        self._inner = ThreadedResolver()

    async def resolve(self, host: str, port: int = 0, family: Any = socket.AF_INET) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            address = literal(result["host"])
            if address is None or refused_address(address):
                raise RefusedAddress(f"{host} resolves to {result['host']}, not a public address")
        return results

    async def close(self) -> None:
        await self._inner.close()
