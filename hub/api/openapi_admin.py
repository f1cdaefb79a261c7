"""OpenAPI paths the admin pages add: every agent account and creating one."""

from __future__ import annotations

from typing import Any

from hub.api.agent_accounts import AgentNew
from hub.api.spec_parts import ok as _ok
from hub.api.validation import request_body

_STRINGS = {"type": "array", "items": {"type": "string"}}
ACCOUNT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "email": {"type": "string"},
        "display_name": {"type": "string"},
        "role": {"type": "string"},
        "active": {"type": "boolean"},
        "languages": _STRINGS,
        "skills": {
            "type": "array",
            "items": {"type": "object", "properties": {"skill": {"type": "string"}, "level": {"type": "integer"}}},
        },
        "channels": _STRINGS,
        "capacity": {"type": "object", "additionalProperties": {"type": "integer"}},
    },
}
# Merged into the GET of /api/v1/agents (the yellow pages).
AGENT_CREATE: dict[str, Any] = {
    "post": {
        "summary": "Create an agent account (admins); audited; 409 when the e-mail address is taken",
        "requestBody": request_body(AgentNew),
        "responses": _ok(ACCOUNT, "201"),
    }
}
ADMIN_PATHS: dict[str, Any] = {
    "/api/v1/agents/accounts": {
        "get": {
            "summary": "Every agent account, inactive ones too, with role, skills, languages and capacity (admins)",
            "responses": _ok({"type": "object", "properties": {"agents": {"type": "array", "items": ACCOUNT}}}),
        }
    },
}
