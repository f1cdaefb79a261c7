"""OpenAPI request bodies of the ticket writes: every field the handlers accept, ids with their range."""

from __future__ import annotations

from typing import Any

from hub.api.spec_parts import ID_SCHEMA

_NULLABLE_ID = {"oneOf": [ID_SCHEMA, {"type": "null"}]}

TICKET_CHANGE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "status": {"type": "string", "enum": ["new", "open", "pending", "solved", "closed"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "assignee_id": {**_NULLABLE_ID, "description": "an agent id (a JSON number, never true/false) or null"},
        "queue": {"type": "string"},
        "priority": {"type": "string"},
        "requirements": {
            "type": "object",
            "properties": {
                "skills": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 5}},
                "language": {"type": "string", "maxLength": 16},
            },
        },
        "if_updated_at": {"type": "string", "description": "the ticket's updated_at as returned: 409 if it moved"},
    },
}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


TICKET_CHANGE_BODY = _json(TICKET_CHANGE)
BULK_BODY = _json(
    {
        "type": "object",
        "required": ["ids", "change"],
        "properties": {
            "ids": {"type": "array", "items": ID_SCHEMA, "minItems": 1, "maxItems": 500},
            "change": TICKET_CHANGE,
        },
    }
)
REPLY_BODY = _json(
    {
        "type": "object",
        "required": ["text"],
        "properties": {
            "text": {"type": "string"},
            "internal": {"type": "boolean", "default": False},
            "channel": {"type": "string", "description": "another of the customer's channels, e.g. sms.twilio"},
            "mentions": {"type": "array", "items": ID_SCHEMA, "maxItems": 20, "description": "agent ids (notes)"},
            "coach": {"type": "boolean", "default": False, "description": "a supervisor's note for the assignee"},
            "attachments": {
                "type": "array",
                "maxItems": 10,
                "items": {
                    "type": "object",
                    "required": ["storage_key"],
                    "properties": {"storage_key": {"type": "string"}},
                },
            },
        },
    }
)
