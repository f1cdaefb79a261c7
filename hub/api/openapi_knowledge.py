"""OpenAPI paths of the knowledge-base API (kept apart: the main document is long enough)."""

from __future__ import annotations

from typing import Any

from hub.api.requests_knowledge import ArticleEdit, ArticleNew, Feedback, Reason, Restore
from hub.api.spec_parts import ID as _ID
from hub.api.spec_parts import ok as _ok
from hub.api.validation import request_body

_IMPORT = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "description": "articles as GET /api/v1/knowledge/export answers them: {articles: [...]} or a list",
                "type": ["object", "array"],
            }
        }
    },
}
_OBJ = {"type": "object"}
KNOWLEDGE_PATHS: dict[str, Any] = {
    "/api/v1/knowledge/articles": {
        "get": {"summary": "List articles (locale, status, review_due=1, owner_id)", "responses": _ok(_OBJ)},
        "post": {
            "summary": "Create an article (a draft)",
            "requestBody": request_body(ArticleNew),
            "responses": _ok(_OBJ, "201"),
        },
    },
    "/api/v1/knowledge/articles/{id}": {
        "get": {"summary": "An article with its live and working versions", "parameters": _ID, "responses": _ok(_OBJ)},
        "put": {
            "summary": "Edit the working draft (409 on a stale revision); a published article gets a new draft",
            "parameters": _ID,
            "requestBody": request_body(ArticleEdit),
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
            "requestBody": request_body(Reason, required=False),
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
        "post": {
            "summary": "A new draft from an old version {version}",
            "parameters": _ID,
            "requestBody": request_body(Restore),
            "responses": _ok(_OBJ),
        }
    },
    "/api/v1/knowledge/articles/{id}/feedback": {
        "post": {
            "summary": "Record inserted | helpful | not_helpful {kind, ticket_id}",
            "parameters": _ID,
            "requestBody": request_body(Feedback),
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
        "post": {
            "summary": "Import JSON articles (?publish=1 to publish)",
            "requestBody": _IMPORT,
            "responses": _ok(_OBJ, "201"),
        }
    },
    "/api/v1/knowledge/export": {"get": {"summary": "Export published articles as JSON", "responses": _ok(_OBJ)}},
}
