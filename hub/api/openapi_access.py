"""OpenAPI paths of access administration (admins): API tokens, agents' activity, roles and passwords."""

from __future__ import annotations

from typing import Any

from hub.agents.accounts import ROLES
from hub.api.spec_parts import ID
from hub.api.spec_parts import ok as _ok

_EXPIRES = {
    "type": ["string", "null"],
    "pattern": r"^\s*\d{1,6}\s*[mhdwMHDW]\s*$",
    "description": "how long the token lasts: minutes, hours, days or weeks (90d, 12h, 2w); null or absent: "
    "until revoked",
}
TOKEN: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "role": {"type": "string", "enum": list(ROLES)},
        "created_at": {"type": "string", "format": "date-time"},
        "last_used_at": {"type": ["string", "null"], "format": "date-time"},
        "expires_at": {"type": ["string", "null"], "format": "date-time"},
        "revoked_at": {"type": ["string", "null"], "format": "date-time"},
        "usable": {"type": "boolean", "description": "neither revoked nor expired"},
    },
}
AGENT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "email": {"type": "string"},
        "display_name": {"type": "string"},
        "role": {"type": "string", "enum": list(ROLES)},
        "active": {"type": "boolean"},
    },
}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


ACCESS_PATHS: dict[str, Any] = {
    "/api/v1/tokens": {
        "get": {
            "summary": "Every API token with its state (admins); never the token itself",
            "responses": _ok({"type": "object", "properties": {"tokens": {"type": "array", "items": TOKEN}}}),
        },
        "post": {
            "summary": "Create an API token (admins); the token is in this answer only",
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["role"],
                    "additionalProperties": False,
                    "properties": {
                        "role": {"type": "string", "enum": list(ROLES)},
                        "name": {"type": "string", "minLength": 1, "maxLength": 200},
                        "expires": _EXPIRES,
                    },
                }
            ),
            "responses": _ok({**TOKEN, "properties": {**TOKEN["properties"], "token": {"type": "string"}}}, "201"),
        },
    },
    "/api/v1/tokens/{id}/revoke": {
        "post": {
            "summary": "Revoke an API token (admins): refused from now on; console sockets opened with it close",
            "parameters": ID,
            "requestBody": {"required": False, "content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": _ok({"type": "object", "properties": {"token": TOKEN}}),
        }
    },
    "/api/v1/agents/{id}": {
        "patch": {
            "summary": "Deactivate or reactivate an agent, or change their role (admins). Deactivating signs them "
            "out everywhere (sessions and open sockets, in every process) and stops new offers; their assigned "
            "tickets stay. 422: an admin's own account",
            "parameters": ID,
            "requestBody": _body(
                {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": False,
                    "properties": {"active": {"type": "boolean"}, "role": {"type": "string", "enum": list(ROLES)}},
                }
            ),
            "responses": _ok({"type": "object", "properties": {"agent": AGENT}}),
        }
    },
    "/api/v1/agents/{id}/password": {
        "put": {
            "summary": "Set an agent's password, or reset it to a generated one returned once (admins); the agent "
            "is signed out everywhere. 422: shorter than 8 characters",
            "parameters": ID,
            "requestBody": _body(
                {
                    "oneOf": [
                        {
                            "type": "object",
                            "required": ["password"],
                            "additionalProperties": False,
                            "properties": {"password": {"type": "string", "minLength": 8, "maxLength": 1024}},
                        },
                        {
                            "type": "object",
                            "required": ["generate"],
                            "additionalProperties": False,
                            "properties": {"generate": {"const": True}},
                        },
                    ]
                }
            ),
            "responses": _ok(
                {
                    "type": "object",
                    "properties": {
                        "agent": AGENT,
                        "password": {"type": "string", "description": "only when generated"},
                    },
                }
            ),
        }
    },
}
