"""Per-sender rate limits on inbound channels that can ask the sender to come back (SMTP: 451, which mail
servers retry; web chat: "slow down", which the widget shows). Webhooks are never limited this way:
Twilio and WeChat do not resend what we refuse, and nothing a customer sent may be lost."""

from __future__ import annotations

import time
from collections import OrderedDict, deque

MAX_SENDERS = 100_000  # a hard cap for a flood of distinct senders within one window; the quietest go first


class SenderLimiter:
    """At most `per_minute` per sender in any `window_s` seconds (a minute unless told otherwise), in this process."""

    def __init__(self, per_minute: int, window_s: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window_s = window_s
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

    def has_room(self, sender: str) -> bool:
        """Whether allow(sender) would count one more now; nothing is counted (to check several limits first)."""
        return self.wait_s(sender) == 0.0

    def wait_s(self, sender: str) -> float:
        """Seconds until `sender` has room again: 0 when it has room now."""
        now = self._clock()
        recent = [t for t in self._seen.get(sender, ()) if now - t <= self._window]
        if len(recent) < self.per_minute:
            return 0.0
        # Room comes back when the oldest of the last `per_minute` counted leaves the window.
        return max(0.0, recent[len(recent) - self.per_minute] + self._window - now)

    def _forget(self, now: float) -> None:
        """Drop senders quiet for a whole window (they are at the front): a day's tens of thousands of
        senders are not kept all day, and each call does O(what it drops) work."""
        while self._seen:
            sender, recent = next(iter(self._seen.items()))
            if len(self._seen) <= MAX_SENDERS and now - recent[-1] <= self._window:
                break
            del self._seen[sender]
