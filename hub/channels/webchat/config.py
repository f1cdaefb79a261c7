"""Web chat widgets from [webchat.widgets.<name>] in config/hub.toml: each website's identity secret."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hub.channels.base import ChannelConfigError
from hub.channels.tables import channel_table
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


def webchat_config(settings: Settings) -> WebchatConfig:
    """[webchat]: the widgets' identity secrets."""
    return channel_table(settings, "webchat", WebchatConfig, lambda raw, _settings: parse_webchat(raw))


def parse_webchat(raw: Any) -> WebchatConfig:
    if not isinstance(raw, dict) or set(raw) - {"widgets"}:
        raise WebchatConfigError("webchat", "a [webchat.widgets.<name>] table per website")
    widgets = raw.get("widgets", {})
    if not isinstance(widgets, dict):
        raise WebchatConfigError("webchat.widgets", "a [webchat.widgets.<name>] table per website")
    secrets: dict[str, str] = {}
    for name, spec in widgets.items():
        where = f"webchat.widgets.{name}"
        if not WIDGET_NAME.match(name):
            raise WebchatConfigError(where, "a name of a-z, 0-9, _ and - (at most 40 characters)")
        if not isinstance(spec, dict) or set(spec) - {"identity_secret"}:
            raise WebchatConfigError(where, "a table with identity_secret")
        secret = spec.get("identity_secret")
        if secret is None:
            continue  # a widget without identity verification: every claim is unsigned
        if not isinstance(secret, str) or len(secret.strip()) < MIN_SECRET_CHARS:
            raise WebchatConfigError(f"{where}.identity_secret", f"a secret of at least {MIN_SECRET_CHARS} characters")
        secrets[name] = secret.strip()
    return WebchatConfig(identity_secrets=secrets)
