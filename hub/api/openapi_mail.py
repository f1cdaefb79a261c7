"""OpenAPI paths of the mail notices (mail that is no customer's contact and threads to no ticket)."""

from __future__ import annotations

from typing import Any

from hub.api.spec_parts import ok as _ok

_QUERY = [
    {"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["bounce", "automatic"]}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
    {"name": "before", "in": "query", "schema": {"type": "integer"}, "description": "the page after this id"},
]
_NOTICE = {
    "type": "object",
    "properties": {
        **{k: {"type": "string"} for k in ("kind", "message_id", "mailbox", "sender", "subject", "text", "reason")},
        "id": {"type": "integer"},
        "report": {"type": ["object", "null"], "description": "a delivery report's action, reason, recipients"},
        "warnings": {"type": "array", "items": {"type": "string"}},
        "received_at": {"type": "string", "format": "date-time"},
    },
}

MAIL_PATHS: dict[str, Any] = {
    "/api/v1/mail/notices": {
        "get": {
            "summary": "Delivery reports about no mail of ours and automatic replies (out of office, newsletters) "
            "that answer no ticket: kept here, never made tickets; newest first",
            "parameters": _QUERY,
            "responses": _ok(
                {
                    "type": "object",
                    "properties": {
                        "notices": {"type": "array", "items": _NOTICE},
                        "before": {"type": ["integer", "null"]},
                    },
                }
            ),
        }
    },
}
