"""Who an HTTP request comes from, behind the trusted proxies (the address rules are the channels' client_address)."""

from __future__ import annotations

from aiohttp import web

from hub import keys
from hub.channels.client_address import UNKNOWN, resolve

__all__ = ["UNKNOWN", "client_address", "resolve"]


def client_address(request: web.Request) -> str:
    """The one place the hub asks who a request comes from."""
    trusted = request.app[keys.SETTINGS].trusted_proxies
    return resolve(request.remote, request.headers.getall("X-Forwarded-For", ()), trusted)
