"""The app's keys that the API's handlers read and the composition root fills (so it imports no handler module)."""

from __future__ import annotations

from aiohttp import web

from hub.webhooks.config import WebhookConfig

# The [webhooks] settings (whether private targets are allowed).
WEBHOOK_CONFIG = web.AppKey("webhook_config", WebhookConfig)
