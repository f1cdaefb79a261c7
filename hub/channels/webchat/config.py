"""[webchat] in config/hub.toml: each website's widget (identity secret, branding) and how many new chats may start."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from hub.channels.base import ChannelConfigError
from hub.channels.tables import channel_table
from hub.channels.webchat.branding import BRANDING_KEYS, DEFAULT_BRANDING, Branding, parse_branding
from hub.settings import Settings

WIDGET_NAME = re.compile(r"^[a-z0-9_-]{1,40}$")
DEFAULT_WIDGET = "default"  # the widget a page names no other (no data-widget)
MIN_SECRET_CHARS = 16


class WebchatConfigError(ChannelConfigError):
    pass


@dataclass(frozen=True, slots=True)
class WebchatConfig:
    # Widget name -> the secret its website signs visitors' identities with (HMAC-SHA256). It stays on
    # the server: the website computes the hash on its own server and puts only the hash in its page.
    identity_secrets: Mapping[str, str] = field(default_factory=dict)
    widgets: frozenset[str] = frozenset()  # every configured widget, with a secret or without
    # New conversations (a first message that opens a ticket) per client address and per widget origin in
    # each window; over them the visitor is asked to wait and nothing is stored. 0: no limit.
    new_conversations_per_address: int = 10
    new_conversations_per_origin: int = 300
    new_conversations_window_minutes: int = 10
    branding: Mapping[str, Branding] = field(default_factory=dict)  # widget name -> its look (branding.py)
    max_file_bytes: int = 10 * 1024 * 1024  # a visitor's upload (images and PDFs), at most attachment_max_bytes

    def branding_of(self, widget: str | None) -> Branding:
        """A widget's look: its own, else the default widget's, else the hub's."""
        return self.branding.get(widget or DEFAULT_WIDGET) or self.branding.get(DEFAULT_WIDGET) or DEFAULT_BRANDING


DEFAULTS = WebchatConfig()
LIMITS = (
    "new_conversations_per_address",
    "new_conversations_per_origin",
    "new_conversations_window_minutes",
    "max_file_bytes",
)


def webchat_config(settings: Settings) -> WebchatConfig:
    """[webchat]: the widgets' identity secrets and the new-conversation limits, HUB_WEBCHAT_<KEY> over the file."""
    return channel_table(settings, "webchat", WebchatConfig, _from_settings)


def _from_settings(raw: Any, settings: Settings) -> WebchatConfig:
    config = parse_webchat(raw)
    changes = {
        name: _limit(env_key, settings.env[env_key], name)
        for name in LIMITS
        if (env_key := f"HUB_WEBCHAT_{name.upper()}") in settings.env
    }
    return _with_limits(config, changes)


def _with_limits(config: WebchatConfig, limits: Mapping[str, int]) -> WebchatConfig:
    return replace(
        config,
        new_conversations_per_address=limits.get("new_conversations_per_address", config.new_conversations_per_address),
        new_conversations_per_origin=limits.get("new_conversations_per_origin", config.new_conversations_per_origin),
        new_conversations_window_minutes=limits.get(
            "new_conversations_window_minutes", config.new_conversations_window_minutes
        ),
        max_file_bytes=limits.get("max_file_bytes", config.max_file_bytes),
    )


def _limit(key: str, raw: Any, name: str) -> int:
    """A whole number (a TOML integer, or digits in a HUB_* variable); the window at least a minute."""
    text = raw.strip() if isinstance(raw, str) else None
    value = int(text) if text and text.isascii() and text.isdigit() else raw
    least = 1 if name in ("new_conversations_window_minutes", "max_file_bytes") else 0
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise WebchatConfigError(key, "a whole number, at least 1" if least else "a whole number (0: no limit)", raw)
    return value


def parse_webchat(raw: Any) -> WebchatConfig:
    if not isinstance(raw, dict) or set(raw) - {"widgets", *LIMITS}:
        unknown = sorted(set(raw) - {"widgets", *LIMITS}) if isinstance(raw, dict) else []
        where = f"webchat.{unknown[0]}" if unknown else "webchat"
        raise WebchatConfigError(where, f"a [webchat.widgets.<name>] table per website, and {', '.join(LIMITS)}")
    widgets = raw.get("widgets", {})
    if not isinstance(widgets, dict):
        raise WebchatConfigError("webchat.widgets", "a [webchat.widgets.<name>] table per website")
    secrets: dict[str, str] = {}
    branding: dict[str, Branding] = {}
    for name, spec in widgets.items():
        where = f"webchat.widgets.{name}"
        if not WIDGET_NAME.match(name):
            raise WebchatConfigError(where, "a name of a-z, 0-9, _ and - (at most 40 characters)")
        if not isinstance(spec, dict) or set(spec) - {"identity_secret", *BRANDING_KEYS}:
            raise WebchatConfigError(where, f"a table with identity_secret and {', '.join(sorted(BRANDING_KEYS))}")
        branding[name] = parse_branding(where, spec)
        secret = spec.get("identity_secret")
        if secret is None:
            continue  # a widget without identity verification: every claim is unsigned
        if not isinstance(secret, str) or len(secret.strip()) < MIN_SECRET_CHARS:
            raise WebchatConfigError(f"{where}.identity_secret", f"a secret of at least {MIN_SECRET_CHARS} characters")
        secrets[name] = secret.strip()
    limits = {name: _limit(f"webchat.{name}", raw[name], name) for name in LIMITS if name in raw}
    config = WebchatConfig(identity_secrets=secrets, widgets=frozenset(widgets), branding=branding)
    return _with_limits(config, limits)
