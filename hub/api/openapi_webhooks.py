"""OpenAPI paths of the outbound webhooks API (admins only; docs/webhooks.md tells receivers what they get)."""

from __future__ import annotations

from typing import Any

from hub.api.requests_webhooks import WebhookNew, WebhookPatch
from hub.api.spec_parts import ID as _ID
from hub.api.spec_parts import ok as _ok
from hub.api.validation import request_body

_TIME = {"type": ["string", "null"], "format": "date-time"}
WEBHOOK: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string"},
        "events": {"type": "array", "items": {"type": "string"}},
        "description": {"type": "string"},
        "active": {"type": "boolean"},
        "disabled_reason": {"type": ["string", "null"], "description": "why the hub turned it off"},
        "consecutive_failures": {"type": "integer"},
        "failing_since": _TIME,
        "created_by": {"type": "string"},
        "created_at": _TIME,
        "updated_at": _TIME,
    },
}
_CREATED = {
    "allOf": [WEBHOOK, {"type": "object", "properties": {"secret": {"type": "string", "description": "shown once"}}}]
}
DELIVERY: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "delivery_id": {"type": "string", "description": "the X-Hub-Delivery header"},
        "event": {"type": "string"},
        "status": {"type": "string", "enum": ["pending", "sending", "delivered", "failed", "cancelled"]},
        "attempts": {"type": "integer"},
        "last_status_code": {"type": ["integer", "null"]},
        "last_error": {"type": ["string", "null"]},
        "next_attempt_at": _TIME,
        "occurred_at": _TIME,
        "created_at": _TIME,
        "updated_at": _TIME,
        "delivered_at": _TIME,
    },
}
_PAGE = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
    {"name": "before", "in": "query", "schema": {"type": "integer", "minimum": 1}, "description": "next_cursor"},
]
WEBHOOK_PATHS: dict[str, Any] = {
    "/api/v1/webhooks": {
        "get": {
            "summary": "List webhooks (admins)",
            "responses": _ok({"type": "object", "properties": {"webhooks": {"type": "array", "items": WEBHOOK}}}),
        },
        "post": {
            "summary": "Register a webhook (admins); the answer holds its secret, shown this once",
            "requestBody": request_body(WebhookNew),
            "responses": _ok(_CREATED, "201"),
        },
    },
    "/api/v1/webhooks/{id}": {
        "get": {"summary": "One webhook (admins)", "parameters": _ID, "responses": _ok(WEBHOOK)},
        "patch": {
            "summary": "Change a webhook, or turn it on again (admins)",
            "parameters": _ID,
            "requestBody": request_body(WebhookPatch),
            "responses": _ok(WEBHOOK),
        },
        "delete": {
            "summary": "Remove a webhook and its deliveries (admins)",
            "parameters": _ID,
            "responses": {"204": {"description": "removed"}},
        },
    },
    "/api/v1/webhooks/{id}/deliveries": {
        "get": {
            "summary": "A webhook's deliveries, newest first (admins)",
            "parameters": _ID + _PAGE,
            "responses": _ok(
                {
                    "type": "object",
                    "properties": {
                        "deliveries": {"type": "array", "items": DELIVERY},
                        "limit": {"type": "integer"},
                        "next_cursor": {"type": ["integer", "null"]},
                    },
                }
            ),
        },
    },
}
