"""OpenAPI paths the console pages use: inbox and wallboard state, macros, reports, article preview."""

from __future__ import annotations

from typing import Any

from hub.api.spec_parts import ID as _ID
from hub.api.spec_parts import ok as _ok

_OBJ = {"type": "object"}
_MACRO = {
    "required": True,
    "content": {"application/json": {"schema": {"type": "object", "properties": {
        "title": {"type": "string"}, "body": {"type": "string", "description": "{{customer.name}}, {{agent.name}}, "
                                              "{{ticket.id}}, {{ticket.subject}}, {{customer.tier}}"},
        "actions": {"type": "object", "description": '{"status": "pending", "add_tags": ["refund"]}'},
        "locale": {"type": "string"}, "shared": {"type": "boolean"}}}}},
}  # fmt: skip

CONSOLE_PATHS: dict[str, Any] = {
    "/api/v1/console/inbox": {
        "get": {
            "summary": "The caller's active tickets (their queues, and any assigned to them) with the event id "
            "current before the read: pushed events with a larger id are newer",
            "responses": _ok(_OBJ),
        },
    },
    "/api/v1/console/wallboard": {
        "get": {
            "summary": "Wallboard (supervisors): queues, tiers, skills, service level today, agents' state and "
            "occupancy, waiting tickets and live conversations",
            "responses": _ok(_OBJ),
        },
    },
    "/api/v1/macros": {
        "get": {"summary": "Shared macros and the caller's own, the most used first", "responses": _ok(_OBJ)},
        "post": {
            "summary": "Create a macro (personal; shared needs a supervisor)",
            "requestBody": _MACRO,
            "responses": _ok(_OBJ, "201"),
        },
    },
    "/api/v1/macros/{id}": {
        "put": {
            "summary": "Edit a macro (its owner or a supervisor)",
            "parameters": _ID,
            "requestBody": _MACRO,
            "responses": _ok(_OBJ),
        },
        "delete": {"summary": "Delete a macro (its owner or a supervisor)", "parameters": _ID, "responses": _ok(_OBJ)},
    },
    "/api/v1/tickets/{id}/macros/{macro_id}": {
        "post": {
            "summary": "Use a macro on a ticket: its text filled in for this ticket, its actions applied",
            "parameters": [*_ID, {"name": "macro_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": _ok(_OBJ),
        },
    },
    "/api/v1/reports": {
        "get": {
            "summary": "Volume, first response and handle time, SLA attainment and CSAT by tier and agent "
            "(supervisors); ?days=1-92, ?format=csv",
            "responses": _ok(_OBJ),
        },
    },
    "/api/v1/agents/me/limits": {
        "put": {
            "summary": 'The signed-in agent\'s own per-channel limits ({"webchat": 1}; {} lifts them), at most '
            "their allowed capacity",
            "responses": _ok(_OBJ),
        },
    },
    "/api/v1/attachments": {
        "post": {
            "summary": "Upload a file to attach (multipart/form-data, part `file`); name it in a reply's "
            "or note's `attachments` by its `storage_key`",
            "responses": _ok(_OBJ, "201"),
        },
    },
    "/api/v1/knowledge/preview": {
        "post": {"summary": "Render Markdown as a published article would be (sanitized HTML)", "responses": _ok(_OBJ)},
    },
}
