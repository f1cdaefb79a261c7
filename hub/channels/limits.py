"""Per-sender rate limits on inbound channels that can ask the sender to come back (SMTP: 451, which mail
servers retry; web chat: "slow down", which the widget shows). Webhooks are never limited this way:
Twilio and WeChat do not resend what we refuse, and nothing a customer sent may be lost."""

from __future__ import annotations

import time
from collections import OrderedDict, deque

MAX_SENDERS = 100_000  # a hard cap for a flood of distinct senders within one window; the quietest go first


class SenderLimiter:
    def __init__(self, per_minute: int, window_s: float = 60.0) -> None:
        self.per_minute = per_minute
        self._window = window_s
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._clock = time.monotonic

    def allow(self, sender: str) -> bool:
        """Count this message from `sender` if it is within the limit; False (and not counted) otherwise."""
        now = self._clock()
        recent = self._seen.pop(sender, None) or deque()
        while recent and now - recent[0] > self._window:
            recent.popleft()
        allowed = len(recent) < self.per_minute
        if allowed:
            recent.append(now)
        if recent:
            self._seen[sender] = recent  # most recently seen last
        self._forget(now)
        return allowed

    def _forget(self, now: float) -> None:
        """Drop senders quiet for a whole window (they are at the front): a day's tens of thousands of
        senders are not kept all day, and each call does O(what it drops) work."""
        while self._seen:
            sender, recent = next(iter(self._seen.items()))
            if len(self._seen) <= MAX_SENDERS and now - recent[-1] <= self._window:
                break
            del self._seen[sender]
