"""Sign-in throttling: too many failed passwords for one email or from one address wait a while."""

from __future__ import annotations

import time
from collections import defaultdict, deque

WINDOW_S = 15 * 60
MAX_PER_EMAIL = 5  # guessing one agent's password
MAX_PER_ADDRESS = 20  # trying many agents from one place


class LoginThrottle:
    """In memory, per process (several processes share it through Redis once scale-out lands)."""

    def __init__(self) -> None:
        self._clock = time.monotonic
        self._failures: defaultdict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures[key]
        while q and now - q[0] > WINDOW_S:
            q.popleft()
        if not q:
            del self._failures[key]
            return deque()
        return q

    def retry_after(self, email: str, address: str) -> int:
        """Seconds to wait before another attempt is considered, 0 when allowed."""
        now = self._clock()
        waits = [0.0]
        for key, limit in ((f"e:{email.strip().lower()}", MAX_PER_EMAIL), (f"a:{address}", MAX_PER_ADDRESS)):
            q = self._recent(key, now)
            if len(q) >= limit:
                waits.append(WINDOW_S - (now - q[0]))
        return int(max(waits)) + (1 if max(waits) > 0 else 0)

    def failed(self, email: str, address: str) -> None:
        now = self._clock()
        for key in (f"e:{email.strip().lower()}", f"a:{address}"):
            self._failures[key].append(now)

    def succeeded(self, email: str) -> None:
        self._failures.pop(f"e:{email.strip().lower()}", None)
