"""The [webhooks] table of hub.toml (HUB_WEBHOOKS_* variables override it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class WebhookConfigError(ValueError):
    def __init__(self, key: str, value: object, expected: str) -> None:
        super().__init__(f"{key}: {expected}")
        self.key, self.value, self.expected = key, value, expected


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    # Post to loopback and private networks too: for tests, demos and hooks inside one's own network.
    allow_private_targets: bool = False
    timeout_s: int = 10
    # A hook is disabled after this many failed attempts in a row, or after failing for this many hours.
    disable_after_failures: int = 15
    disable_after_hours: int = 24


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _bool(key: str, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _TRUE + _FALSE:
        return raw.strip().lower() in _TRUE
    raise WebhookConfigError(key, raw, "true or false")


def _positive(key: str, raw: object) -> int:
    if isinstance(raw, str) and raw.strip().isdecimal():
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise WebhookConfigError(key, raw, "a whole number above 0")
    return raw


_PARSERS = {
    "allow_private_targets": _bool,
    "timeout_s": _positive,
    "disable_after_failures": _positive,
    "disable_after_hours": _positive,
}


def webhook_config(table: object, env: Mapping[str, str]) -> WebhookConfig:
    """The table as written (or a WebhookConfig code put there), then HUB_WEBHOOKS_<KEY> variables."""
    if isinstance(table, WebhookConfig):
        return table
    if table is None:
        table = {}
    if not isinstance(table, Mapping):
        raise WebhookConfigError("webhooks", table, "a [webhooks] table")
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key not in _PARSERS:
            raise WebhookConfigError(f"webhooks.{key}", raw, f"one of {', '.join(_PARSERS)}")
        values[key] = _PARSERS[key](f"webhooks.{key}", raw)
    for key, parse in _PARSERS.items():
        if (env_key := f"HUB_WEBHOOKS_{key.upper()}") in env:
            values[key] = parse(env_key, env[env_key])
    return WebhookConfig(**values)
