"""Per-sender rate limits on inbound channels that can ask the sender to come back (SMTP: 451, which mail
servers retry; web chat: "slow down", which the widget shows). Webhooks are never limited this way:
Twilio and WeChat do not resend what we refuse, and nothing a customer sent may be lost."""

from __future__ import annotations

import time
from collections import OrderedDict, deque

MAX_SENDERS = 100_000  # memory stays bounded however many senders there are; the quietest are forgotten


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
            self._seen[sender] = recent  # most recent last
            if len(self._seen) > MAX_SENDERS:
                self._seen.popitem(last=False)
        return allowed
