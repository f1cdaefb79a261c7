"""The [webhooks] table and its HUB_WEBHOOKS_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.settings import load_settings
from hub.webhooks.config import WebhookConfig, WebhookConfigError, webhook_config


def test_the_table_is_read_and_variables_win(tmp_path: Path) -> None:
    toml = tmp_path / "hub.toml"
    toml.write_text("[webhooks]\nallow_private_targets = true\ntimeout_s = 5\n", encoding="utf-8")
    settings = load_settings(env={"HUB_CONFIG": str(toml), "HUB_WEBHOOKS_DISABLE_AFTER_FAILURES": "3"})
    config = webhook_config(settings.channels.get("webhooks"), settings.env)
    assert config == WebhookConfig(allow_private_targets=True, timeout_s=5, disable_after_failures=3)
    assert webhook_config(None, {}) == WebhookConfig()  # private targets are refused by default


@pytest.mark.parametrize(
    ("table", "env", "key"),
    [
        ({"allow_private_targets": "maybe"}, {}, "webhooks.allow_private_targets"),
        ({"timeout_s": 0}, {}, "webhooks.timeout_s"),
        ({"retries": 3}, {}, "webhooks.retries"),
        ({}, {"HUB_WEBHOOKS_ALLOW_PRIVATE_TARGETS": "sometimes"}, "HUB_WEBHOOKS_ALLOW_PRIVATE_TARGETS"),
    ],
)
def test_bad_values_are_named(table: dict[str, object], env: dict[str, str], key: str) -> None:
    with pytest.raises(WebhookConfigError) as caught:
        webhook_config(table, env)
    assert caught.value.key == key
