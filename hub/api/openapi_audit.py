"""OpenAPI path of the audit log (admins): its filters and its entries."""

from __future__ import annotations

from typing import Any

from hub.agents.audit_trail import ACTOR_KINDS
from hub.api.spec_parts import ID_SCHEMA
from hub.api.spec_parts import ok as _ok

ENTRY: dict[str, Any] = {
    "type": "object",
    "required": ["id", "at", "actor", "action", "entity", "entity_id", "details"],
    "properties": {
        "id": {"type": "integer"},
        "at": {"type": "string", "format": "date-time"},
        "actor": {
            "type": "object",
            "properties": {
                "kind": {"type": "string", "enum": list(ACTOR_KINDS)},
                "id": {"type": ["integer", "null"]},
                "name": {"type": ["string", "null"], "description": "the agent's or token's name today"},
            },
        },
        "action": {"type": "string", "examples": ["ticket.priority_changed", "customer.viewed", "token.created"]},
        "entity": {"type": "string", "examples": ["ticket", "customer", "agent", "api_token", "article"]},
        "entity_id": {"type": ["integer", "null"]},
        "details": {"type": "object", "description": "what changed (often before and after), per action"},
    },
}

_DATE = {"type": "string", "description": "ISO 8601 date or date-time (UTC unless an offset is given)"}
_FILTERS = [
    {"name": name, "in": "query", "required": False, "schema": schema, "description": text}
    for name, schema, text in (
        ("entity", {"type": "string", "pattern": "^[a-z_]{1,32}$"}, "the kind of record: ticket, customer, agent..."),
        ("entity_id", ID_SCHEMA, "the record's id"),
        ("actor", {"type": "string"}, "system, agent, token, agent:<id>, token:<id>, or an agent's id"),
        ("action", {"type": "string"}, "an action (customer.viewed), or a prefix ending in * (ticket.*)"),
        ("since", _DATE, "entries at or after"),
        ("until", _DATE, "entries before"),
        ("before", ID_SCHEMA, "the next page: next_before of the previous answer"),
        ("limit", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}, "entries per page"),
    )
]

AUDIT_PATHS: dict[str, Any] = {
    "/api/v1/audit": {
        "get": {
            "summary": "The audit log (admins): who did what to which record, newest first; 422 for a filter that "
            "cannot be (a bad date, an unknown filter, since not before until)",
            "parameters": _FILTERS,
            "responses": _ok(
                {
                    "type": "object",
                    "properties": {
                        "entries": {"type": "array", "items": ENTRY},
                        "next_before": {"type": ["integer", "null"], "description": "pass as before; null: the end"},
                    },
                }
            ),
        }
    }
}
