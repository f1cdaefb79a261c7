"""Small builders shared by the OpenAPI documents."""

from __future__ import annotations

from typing import Any

ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def ok(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    """A JSON success response plus the JSON error responses every endpoint can give."""
    errors = {code: {"$ref": "#/components/responses/Error"} for code in ("400", "401", "403", "404", "409")}
    return {status: {"description": "OK", "content": {"application/json": {"schema": schema}}}, **errors}
