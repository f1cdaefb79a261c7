"""OpenAPI paths of reply delivery: sending a reply again."""

from __future__ import annotations

from typing import Any

from hub.api.requests_people import Nothing
from hub.api.spec_parts import ID
from hub.api.spec_parts import ok as _ok
from hub.api.spec_parts import ref as _ref
from hub.api.validation import request_body

DELIVERY_PATHS: dict[str, Any] = {
    "/api/v1/messages/{id}/retry": {
        "post": {
            "summary": "Send a reply again now: one being retried (delivery_status retrying) is tried at once; "
            "one that failed is queued again and retried up to its channel's maximum age from now; 404: no reply "
            "of ours, 409: already sent or being sent right now",
            "parameters": ID,
            "requestBody": request_body(Nothing, required=False),
            "responses": _ok({"type": "object", "properties": {"interaction": _ref("Interaction")}}, "202"),
        }
    },
}
