"""Which waiting ticket goes first: tier weight, SLA risk and waiting time blended into one score.

Static priority alone serves VIPs first but can starve everyone else; waiting time alone ignores value.
The blend: the tier's weight (routing.toml), plus SLA risk that grows over the last hour before the
first-response target and jumps once it is missed, plus half a point per minute waited (capped), so a
general customer who has waited long enough overtakes a fresh gold one.
"""

from __future__ import annotations

from datetime import datetime

RISK_WINDOW_MIN = 60.0
OVERDUE_BONUS = 100.0
WAIT_CAP_MIN = 180.0


def urgency(tier_weight: float, due: datetime | None, waiting_since: datetime, now: datetime) -> float:
    risk = 0.0
    if due is not None:
        minutes_left = (due - now).total_seconds() / 60
        risk = (
            OVERDUE_BONUS + min(-minutes_left, 100.0) if minutes_left < 0 else max(0.0, RISK_WINDOW_MIN - minutes_left)
        )
    waited = min(max(0.0, (now - waiting_since).total_seconds() / 60), WAIT_CAP_MIN)
    return tier_weight + risk + 0.5 * waited
