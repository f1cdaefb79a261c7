"""Visitor tokens this process gave out that have not written yet: still the same visitor when they come back."""

from __future__ import annotations

import time
from collections import OrderedDict

# A browser that opened the chat and wrote nothing yet keeps its token in localStorage; a second tab or a reload
# within a day names it again. Past that, or past this many unused tokens (~5 MB), it gets a fresh one.
TTL_S = 24 * 3600.0
MAX_TOKENS = 50_000


class IssuedTokens:
    """Keys (digests of tokens) issued here and not used for a message yet. Only a token we issued counts: a
    forged or made-up one still gets a fresh visitor. Per process: another process of the hub does not know it."""

    def __init__(self, ttl_s: float = TTL_S, max_tokens: int = MAX_TOKENS) -> None:
        self._ttl = ttl_s
        self._max = max_tokens
        self._until: OrderedDict[bytes, float] = OrderedDict()  # oldest first

    @staticmethod
    def _id(key: str) -> bytes:
        return bytes.fromhex(key[:32])  # half the digest: enough to tell tokens apart, half the memory

    def add(self, key: str) -> None:
        now = time.monotonic()
        self._until[self._id(key)] = now + self._ttl
        self._until.move_to_end(self._id(key))
        while self._until and (len(self._until) > self._max or next(iter(self._until.values())) < now):
            self._until.popitem(last=False)

    def knows(self, key: str) -> bool:
        until = self._until.get(self._id(key))
        return until is not None and until >= time.monotonic()

    def discard(self, key: str) -> None:
        """The visitor wrote: their stored record names them from now on."""
        self._until.pop(self._id(key), None)
