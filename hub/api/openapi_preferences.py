"""OpenAPI paths of the signed-in agent's own console settings."""

from __future__ import annotations

from typing import Any

from hub.api.preferences import PreferencesPatch
from hub.api.spec_parts import ok as _ok
from hub.api.validation import request_body

PREFERENCES: dict[str, Any] = {
    "type": "object",
    "properties": {
        "preferences": {
            "type": "object",
            "properties": {
                "sound": {"type": "boolean"},
                "desktop_notifications": {"type": "boolean"},
                "language": {"type": ["string", "null"], "enum": ["en", "zh-CN", None]},
            },
        }
    },
}
PREFERENCE_PATHS: dict[str, Any] = {
    "/api/v1/me/preferences": {
        "get": {
            "summary": "The signed-in agent's own console settings, every one present (defaults where unchosen); "
            "400 for an API token, which has none",
            "responses": _ok(PREFERENCES),
        },
        "patch": {
            "summary": "Change the signed-in agent's own settings: the ones sent change, null puts one back to its "
            "default; 422 for an unknown setting or a wrong type",
            "requestBody": request_body(PreferencesPatch),
            "responses": _ok(PREFERENCES),
        },
    }
}
