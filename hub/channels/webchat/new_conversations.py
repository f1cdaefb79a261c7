"""How many new chats one client address and one widget origin may start in a window: over either limit the
visitor is asked to wait, and nothing of that chat is stored.

A new conversation is a first message that opens a ticket; a visitor resuming their own conversation (their
token names it) is never counted nor refused. Counted in this process, as the other per-sender limits are: with
several hub processes behind a balancer each keeps its own count, so the limit is per process.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hub.channels.client_address import UNKNOWN, Network, resolve
from hub.channels.limits import SenderLimiter
from hub.channels.webchat.config import WebchatConfig

log = logging.getLogger(__name__)
MAX_ORIGIN_CHARS = 200  # a browser's Origin is scheme://host:port; anything longer is not worth a key of its own


@dataclass(frozen=True, slots=True)
class Client:
    """Who opens a visitor socket: the client address, and the widget origin its chats count against."""

    address: str
    origin: str


@dataclass(frozen=True, slots=True)
class Refusal:
    """Over a limit: `scope` is "address" or "origin", `wait_s` when a new chat would be let in again."""

    scope: str
    wait_s: int

    def error(self) -> dict[str, Any]:
        minutes = max(1, math.ceil(self.wait_s / 60))
        where = "from your network" if self.scope == "address" else "on this website"
        message = f"too many new chats {where}; please try again in {minutes} minute{'s' if minutes > 1 else ''}"
        return {"code": "too_many_conversations", "message": message, "retry_after_s": self.wait_s}


class NewConversations:
    def __init__(self, config: WebchatConfig, trusted_proxies: Sequence[Network]) -> None:
        window_s = config.new_conversations_window_minutes * 60.0
        per_address, per_origin = config.new_conversations_per_address, config.new_conversations_per_origin
        self._addresses = SenderLimiter(per_address, window_s) if per_address else None
        self._origins = SenderLimiter(per_origin, window_s) if per_origin else None
        self._told = SenderLimiter(1, window_s)  # one log line per refused address or origin and window
        self._trusted = tuple(trusted_proxies)
        self._widgets = config.widgets

    def client(self, environ: Mapping[str, Any], auth: Mapping[str, Any]) -> Client:
        """The socket's client address (X-Forwarded-For believed from trusted proxies only) and widget origin."""
        request = environ.get("aiohttp.request")
        if request is None:
            address = str(environ.get("REMOTE_ADDR") or UNKNOWN)
        else:
            address = resolve(request.remote, request.headers.getall("X-Forwarded-For", ()), self._trusted)
        origin = str(environ.get("HTTP_ORIGIN") or "-").strip().lower()[:MAX_ORIGIN_CHARS]
        # The hub's own chat page (the widget's frame) serves every website: a configured widget name tells
        # them apart. Names nobody configured share one count, so a script cannot mint itself fresh ones.
        widget = auth.get("widget")
        if isinstance(widget, str) and widget in self._widgets:
            origin = f"{origin} {widget}"
        return Client(address, origin)

    def admit(self, client: Client) -> Refusal | None:
        """Count a new conversation for `client`, or (counting nothing) say how long to wait."""
        for scope, limiter, key in (
            ("address", self._addresses, client.address),
            ("origin", self._origins, client.origin),
        ):
            if limiter is not None and not limiter.has_room(key):
                if self._told.allow(f"{scope} {key}"):
                    log.warning(
                        "new chats refused for a while: %d in %d minutes from %s %s",
                        limiter.per_minute, round(limiter.window_s / 60), scope, key,
                    )  # fmt: skip
                return Refusal(scope, math.ceil(limiter.wait_s(key)))
        for limiter, key in ((self._addresses, client.address), (self._origins, client.origin)):
            if limiter is not None:
                limiter.allow(key)
        return None
