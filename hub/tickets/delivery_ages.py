"""How long the outbox keeps retrying a reply on each channel, and how long it waits between tries."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# Like a mail server: a provider outage of hours must not lose an e-mail answer, but a chat visitor has
# left after minutes and an SMS or WeChat answer a day late only confuses. Keys are channel names
# ("sms.twilio") or their family ("sms"); "default" is every other channel.
DEFAULT_MAX_AGES: dict[str, int] = {
    "email": 24 * 3600,
    "webchat": 10 * 60,
    "sms": 4 * 3600,
    "voice": 4 * 3600,
    "wechat": 4 * 3600,
    "default": 4 * 3600,
}
# The longest wait between two tries: a provider back after an outage is tried again within this.
MAX_DELAY = timedelta(minutes=30)
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_DURATION = re.compile(r"(?:(\d+)\s*([dhms])\s*)+")
_PART = re.compile(r"(\d+)\s*([dhms])")
_KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")


class DeliveryAgeError(ValueError):
    def __init__(self, key: str, expected: str) -> None:
        super().__init__(f"{key}: expected {expected}")
        self.key, self.expected = key, expected


def parse_duration(key: str, raw: object) -> int:
    """Seconds from 86400, "86400", "24h", "10m", "1h30m", "2d"; positive."""
    expected = 'a duration such as "24h", "10m", "1h30m", "2d" or a number of seconds'
    if isinstance(raw, bool):
        raise DeliveryAgeError(key, expected)
    text = str(raw).strip().lower()
    if isinstance(raw, int) or text.isdigit():
        seconds = int(text)
    elif _DURATION.fullmatch(text):
        seconds = sum(int(n) * _UNITS[unit] for n, unit in _PART.findall(text))
    else:
        raise DeliveryAgeError(key, expected)
    if seconds <= 0:
        raise DeliveryAgeError(key, "a duration above zero")
    return seconds


@dataclass(frozen=True, slots=True)
class DeliveryAges:
    """The maximum age of a reply still being retried, per channel ([delivery.max_age] in hub.toml)."""

    seconds: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_MAX_AGES))

    def max_age(self, channel: str) -> timedelta:
        for key in (channel, channel.split(".", 1)[0], "default"):
            if key in self.seconds:
                return timedelta(seconds=self.seconds[key])
        return timedelta(seconds=DEFAULT_MAX_AGES["default"])


def parse_delivery(raw: object, env: Mapping[str, str], where: str = "delivery") -> DeliveryAges:
    """[delivery] max_age = {email = "24h", webchat = "10m"}; HUB_DELIVERY_MAX_AGE_<CHANNEL> overrides
    (HUB_DELIVERY_MAX_AGE_EMAIL=48h, HUB_DELIVERY_MAX_AGE_SMS_TWILIO=2h for the channel "sms.twilio")."""
    seconds = dict(DEFAULT_MAX_AGES)
    if raw is not None:
        if not isinstance(raw, dict) or set(raw) - {"max_age"}:
            raise DeliveryAgeError(where, "a [delivery] table with only max_age")
        ages = raw.get("max_age", {})
        if not isinstance(ages, dict):
            raise DeliveryAgeError(f"{where}.max_age", "a table of channel = duration")
        for name, value in ages.items():
            if not _KEY.fullmatch(name):
                raise DeliveryAgeError(f"{where}.max_age.{name}", 'a channel name such as "email" or "sms.twilio"')
            seconds[name] = parse_duration(f"{where}.max_age.{name}", value)
    prefix = "HUB_DELIVERY_MAX_AGE_"
    for env_key, value in env.items():
        if env_key.startswith(prefix) and len(env_key) > len(prefix):
            name = env_key.removeprefix(prefix).lower().replace("_", ".")
            seconds[name] = parse_duration(env_key, value)
    return DeliveryAges(seconds)


def backoff(attempt: int) -> timedelta:
    """After the nth failed try: 2 s, 4 s, 8 s, ... then every 30 minutes."""
    return min(MAX_DELAY, timedelta(seconds=2 ** min(attempt, 20)))


def next_try(now: datetime, attempt: int, give_up_at: datetime) -> datetime | None:
    """When to try again after the nth failed try, or None when the reply has reached its maximum age.
    The last wait is cut short so the final try happens at the maximum age, not after it."""
    if now >= give_up_at:
        return None
    return min(now + backoff(attempt), give_up_at)
