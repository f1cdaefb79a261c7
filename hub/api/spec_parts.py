"""Small builders shared by the OpenAPI documents."""

from __future__ import annotations

from typing import Any

from hub.db.ids import MAX_ID

# Ids are positive and fit the database's integer columns; anything else is a 4xx (404 in a path).
ID_SCHEMA: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
ID = [{"name": "id", "in": "path", "required": True, "schema": ID_SCHEMA}]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def ok(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    """A JSON success response plus the JSON error responses every endpoint can give."""
    errors = {
        code: {"$ref": "#/components/responses/Error"}
        for code in ("400", "401", "403", "404", "408", "409", "413", "422")
    }
    return {status: {"description": "OK", "content": {"application/json": {"schema": schema}}}, **errors}
