"""OpenAPI paths of queue administration (admins)."""

from __future__ import annotations

from typing import Any

from hub.api.requests_queues import MembersBody, QueueBody, QueueChangeBody
from hub.api.spec_parts import ok as _ok
from hub.api.validation import request_body

QUEUE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "display_name": {"type": "string"},
        "calendar": {"type": ["string", "null"], "description": "its SLA clocks' calendar; null: around the clock"},
        "auto_assign": {"type": "boolean", "description": "false: routing leaves its tickets for agents to pick"},
        "configured": {"type": "boolean", "description": "from hub.toml (true) or made through the API (false)"},
        "members": {"type": "array", "items": {"type": "integer"}, "description": "agent ids"},
        "created_at": {"type": "string", "format": "date-time"},
    },
}
_NAME = [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}]

QUEUE_PATHS: dict[str, Any] = {
    "/api/v1/queues": {
        "get": {
            "summary": "Every queue with its calendar, auto-assignment and members (admins)",
            "responses": _ok({"type": "object", "properties": {"queues": {"type": "array", "items": QUEUE}}}),
        },
        "post": {
            "summary": "Create a queue (admins); audited, kept across restarts; 409 when the name is taken",
            "requestBody": request_body(QueueBody),
            "responses": _ok(QUEUE, "201"),
        },
    },
    "/api/v1/queues/{name}": {
        "patch": {
            "summary": "Change a queue's display name, calendar or auto-assignment (admins); audited",
            "parameters": _NAME,
            "requestBody": request_body(QueueChangeBody),
            "responses": _ok(QUEUE),
        }
    },
    "/api/v1/queues/{name}/members": {
        "put": {
            "summary": "Set a queue's members to exactly these active agents (admins); audited",
            "parameters": _NAME,
            "requestBody": request_body(MembersBody),
            "responses": _ok(QUEUE),
        }
    },
}
