"""OpenAPI paths of the knowledge-base API (kept apart: the main document is long enough)."""

from __future__ import annotations

from typing import Any

from hub.api.spec_parts import ID as _ID
from hub.api.spec_parts import ok as _ok

_ARTICLE_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "locale": {"type": "string", "enum": ["en", "zh-CN"]},
                    "title": {"type": "string"},
                    "body": {"type": "string", "description": "Markdown"},
                    "short_answer": {"type": "string", "maxLength": 300},
                    "category": {"type": "string"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "variants": {"type": "array", "items": {"type": "string"}},
                    "review_by": {"type": "string", "format": "date"},
                    "revision": {
                        "type": "integer",
                        "description": "the working draft's revision this edit starts from",
                    },
                },
            }
        }
    },
}
_OBJ = {"type": "object"}
KNOWLEDGE_PATHS: dict[str, Any] = {
    "/api/v1/knowledge/articles": {
        "get": {"summary": "List articles (locale, status, review_due=1, owner_id)", "responses": _ok(_OBJ)},
        "post": {"summary": "Create an article (a draft)", "requestBody": _ARTICLE_BODY, "responses": _ok(_OBJ, "201")},
    },
    "/api/v1/knowledge/articles/{id}": {
        "get": {"summary": "An article with its live and working versions", "parameters": _ID, "responses": _ok(_OBJ)},
        "put": {
            "summary": "Edit the working draft (409 on a stale revision); a published article gets a new draft",
            "parameters": _ID,
            "requestBody": _ARTICLE_BODY,
            "responses": _ok(_OBJ),
        },
    },
    "/api/v1/knowledge/articles/{id}/{action}": {
        "post": {
            "summary": "submit (editors) | approve, reject, archive (knowledge managers)",
            "parameters": [
                *_ID,
                {
                    "name": "action",
                    "in": "path",
                    "required": True,
                    "schema": {"enum": ["submit", "approve", "reject", "archive"]},
                },
            ],
            "responses": _ok(_OBJ),
        },
    },
    "/api/v1/knowledge/articles/{id}/versions": {
        "get": {"summary": "Version history", "parameters": _ID, "responses": _ok(_OBJ)}
    },
    "/api/v1/knowledge/articles/{id}/diff": {
        "get": {"summary": "Unified diff between versions ?from=&to=", "parameters": _ID, "responses": _ok(_OBJ)}
    },
    "/api/v1/knowledge/articles/{id}/restore": {
        "post": {"summary": "A new draft from an old version {version}", "parameters": _ID, "responses": _ok(_OBJ)}
    },
    "/api/v1/knowledge/articles/{id}/feedback": {
        "post": {
            "summary": "Record inserted | helpful | not_helpful {kind, ticket_id}",
            "parameters": _ID,
            "responses": _ok(_OBJ, "201"),
        }
    },
    "/api/v1/knowledge/suggest": {
        "get": {
            "summary": "Ranked published articles for ?q= (&locale=, &ticket_id=, &limit=)",
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string"}},
                {"name": "locale", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": _ok(_OBJ),
        }
    },
    "/api/v1/knowledge/gaps": {
        "get": {"summary": "Unanswered questions, grouped and ranked (?days=)", "responses": _ok(_OBJ)}
    },
    "/api/v1/knowledge/import": {
        "post": {"summary": "Import JSON articles (?publish=1 to publish)", "responses": _ok(_OBJ, "201")}
    },
    "/api/v1/knowledge/export": {"get": {"summary": "Export published articles as JSON", "responses": _ok(_OBJ)}},
}
