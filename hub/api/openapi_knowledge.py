"""OpenAPI paths of the knowledge-base API (kept apart: the main document is long enough)."""

from __future__ import annotations

from typing import Any

from hub.api.requests_knowledge import ArticleEdit, ArticleNew, Feedback, OwnerChange, Reason, Restore
from hub.api.spec_parts import ID as _ID
from hub.api.spec_parts import ok as _ok
from hub.api.validation import request_body
from hub.knowledge.confidence import THRESHOLD

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
_COUNT = {"type": "integer", "minimum": 0}
_SUGGESTION = {
    "type": "object",
    "properties": {
        "article_id": {"type": "integer"},
        "score": {"type": "number", "minimum": 0, "maximum": 100, "description": "the ranking"},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1, "description": "calibrated"},
        "confident": {"type": "boolean", "description": "confidence >= the threshold"},
        "usefulness": {
            "type": "object",
            "properties": {"helpful": _COUNT, "inserted": _COUNT, "not_helpful": _COUNT},
        },
        "locale": {"type": "string"},
        "title": {"type": "string"},
        "short_answer": {"type": "string"},
        "body": {"type": "string"},
        "body_html": {"type": "string"},
        "category": {"type": "string"},
    },
}
_SUGGESTIONS = {
    "type": "object",
    "properties": {
        "query": {"type": "string"},
        "locale": {"type": "string"},
        "suggestions": {"type": "array", "items": _SUGGESTION},
    },
}
_ARTICLE = {
    "type": "object",
    "description": "the article (id, locale, owner_id, status, working_status, review_by, live, working) and its use",
    "properties": {
        "suggested_30d": {**_COUNT, "description": "times suggested to agents in the last 30 days (UTC dates)"},
        "inserted_30d": {**_COUNT, "description": "times agents inserted it into a reply over the same days"},
        "suggested_days": {
            "type": "array",
            "description": "the 30 days, oldest first (today last), each with its suggestions (0 on a day without)",
            "items": {
                "type": "object",
                "properties": {"day": {"type": "string", "format": "date"}, "suggested": _COUNT},
            },
        },
    },
}
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
        "get": {
            "summary": "An article with its live and working versions, and how often it was suggested and inserted "
            "in the last 30 days",
            "parameters": _ID,
            "responses": _ok(_ARTICLE),
        },
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
    "/api/v1/knowledge/articles/{id}/owner": {
        "put": {
            "summary": "Change who owns the article {owner_id} (knowledge managers; audited)",
            "parameters": _ID,
            "requestBody": request_body(OwnerChange),
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
            "description": (
                "Each suggestion carries `confidence` (0-1, calibrated: the chance it answers the question) and "
                f"`confident` (confidence at or above the documented threshold, {THRESHOLD:.2f}; see "
                "docs/knowledge.md). `score` (0-100) is the ranking, with the article's feedback factor; the list "
                "is ordered by `confidence + score / 100`. A question with no confident suggestion is logged for "
                "the gap report."
            ),
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string"}},
                {"name": "locale", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": _ok(_SUGGESTIONS),
        }
    },
    "/api/v1/knowledge/gaps": {
        "get": {
            "summary": "Questions with no confident suggestion, grouped by meaning and ranked by count (?days=)",
            "responses": _ok(_OBJ),
        }
    },
    "/api/v1/knowledge/import": {
        "post": {
            "summary": "Import JSON articles (?publish=1 to publish); the export's body is a valid import body",
            "description": (
                "An article with the same locale and title (case and spacing aside) is the same article: changed "
                "content becomes its new version, the same content is left alone. The answer lists the ids "
                "`imported` (in the documents' order), `created`, `updated` and `unchanged`."
            ),
            "requestBody": _IMPORT,
            "responses": _ok(_OBJ, "201"),
        }
    },
    "/api/v1/knowledge/export": {"get": {"summary": "Export published articles as JSON", "responses": _ok(_OBJ)}},
}
