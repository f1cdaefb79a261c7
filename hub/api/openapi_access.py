"""OpenAPI paths of access administration (admins): API tokens, agents' activity, roles and passwords."""

from __future__ import annotations

from typing import Any

from hub.agents.accounts import ROLES
from hub.api.requests_people import AgentChangeBody, Nothing, PasswordBody, TokenBody
from hub.api.spec_parts import ID
from hub.api.spec_parts import ok as _ok
from hub.api.validation import request_body

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


ACCESS_PATHS: dict[str, Any] = {
    "/api/v1/tokens": {
        "get": {
            "summary": "Every API token with its state (admins); never the token itself",
            "responses": _ok({"type": "object", "properties": {"tokens": {"type": "array", "items": TOKEN}}}),
        },
        "post": {
            "summary": "Create an API token (admins); the token is in this answer only",
            "requestBody": request_body(TokenBody),
            "responses": _ok({**TOKEN, "properties": {**TOKEN["properties"], "token": {"type": "string"}}}, "201"),
        },
    },
    "/api/v1/tokens/{id}/revoke": {
        "post": {
            "summary": "Revoke an API token (admins): refused from now on; console sockets opened with it close",
            "parameters": ID,
            "requestBody": request_body(Nothing, required=False),
            "responses": _ok({"type": "object", "properties": {"token": TOKEN}}),
        }
    },
    "/api/v1/agents/{id}": {
        "patch": {
            "summary": "Deactivate or reactivate an agent, or change their role (admins). Deactivating signs them "
            "out everywhere (sessions and open sockets, in every process) and stops new offers; their assigned "
            "tickets stay. 422: an admin's own account",
            "parameters": ID,
            "requestBody": request_body(AgentChangeBody),
            "responses": _ok({"type": "object", "properties": {"agent": AGENT}}),
        }
    },
    "/api/v1/agents/{id}/password": {
        "put": {
            "summary": "Set an agent's password, or reset it to a generated one returned once (admins); the agent "
            "is signed out everywhere. 422: shorter than 8 characters",
            "parameters": ID,
            "requestBody": request_body(PasswordBody),
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
