"""OpenAPI paths the console pages use: inbox and wallboard state, macros, reports, article preview."""

from __future__ import annotations

from typing import Any

from hub.api.requests_knowledge import MacroEdit, MacroNew, Preview
from hub.api.requests_people import Nothing, OwnLimits
from hub.api.spec_parts import ID as _ID
from hub.api.spec_parts import ID_SCHEMA
from hub.api.spec_parts import ok as _ok
from hub.api.validation import request_body

_OBJ = {"type": "object"}
_NO_BODY = request_body(Nothing, required=False)
_UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        }
    },
}

_COUNT = {"type": "integer", "minimum": 0}
_OVERVIEW = {
    "type": "object",
    "properties": {
        "articles": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "usefulness": {
                        "type": "object",
                        "properties": {"helpful": _COUNT, "inserted": _COUNT, "not_helpful": _COUNT},
                    },
                    "suggested_30d": {**_COUNT, "description": "times suggested to agents in the last 30 days"},
                },
            },
        },
        "total": _COUNT,
        "counts": {"type": "object", "additionalProperties": _COUNT},
        "categories": {"type": "array", "items": {"type": "string"}},
    },
}
CONSOLE_PATHS: dict[str, Any] = {
    "/api/v1/console/inbox": {
        "get": {
            "summary": "The caller's active tickets (their queues, and any assigned to them) with the event id "
            "current before the read: pushed events with a larger id are newer",
            "responses": _ok(_OBJ),
        },
    },
    "/api/v1/console/tickets/{id}": {
        "get": {
            "summary": "What the workspace shows for one ticket: the ticket, the messages the caller may see, the "
            "customer (tier, value, insight, identities, claim), their history and surveys, the reply channels "
            "with each one's limits, the caller's macros, queues (supervisors) and agents' names; `phrases` maps "
            "each English routing reason, timeline summary and churn factor to a message key and params",
            "parameters": _ID,
            "responses": _ok(_OBJ),
        },
    },
    "/api/v1/console/customers/{id}": {
        "get": {
            "summary": "What the workspace's customer profile shows: the customer (tier and any override, lifetime "
            "value, language, notes, identities with verification, insight), a page of their history "
            "(?before=history_before for older), their answered surveys, whether the caller may edit (supervisors), "
            "the tiers, agents' names and `phrases` for the timeline summaries and churn factors",
            "parameters": [*_ID, {"name": "before", "in": "query", "schema": {"type": "integer"}}],
            "responses": _ok(_OBJ),
        },
    },
    "/api/v1/console/wallboard": {
        "get": {
            "summary": "Wallboard (supervisors): queues (waiting, longest wait, SLA at risk and breached, service "
            "level and first answers today), tiers, skills, agents' state and occupancy, waiting tickets and live "
            "conversations",
            "responses": _ok(_OBJ),
        },
    },
    "/api/v1/macros": {
        "get": {"summary": "Shared macros and the caller's own, the most used first", "responses": _ok(_OBJ)},
        "post": {
            "summary": "Create a macro (personal; shared needs a supervisor)",
            "requestBody": request_body(MacroNew),
            "responses": _ok(_OBJ, "201"),
        },
    },
    "/api/v1/macros/{id}": {
        "put": {
            "summary": "Edit a macro (its owner or a supervisor)",
            "parameters": _ID,
            "requestBody": request_body(MacroEdit),
            "responses": _ok(_OBJ),
        },
        "delete": {"summary": "Delete a macro (its owner or a supervisor)", "parameters": _ID, "responses": _ok(_OBJ)},
    },
    "/api/v1/tickets/{id}/macros/{macro_id}": {
        "post": {
            "summary": "Use a macro on a ticket: its text filled in for this ticket, its actions applied",
            "parameters": [*_ID, {"name": "macro_id", "in": "path", "required": True, "schema": ID_SCHEMA}],
            "requestBody": _NO_BODY,
            "responses": _ok(_OBJ),
        },
    },
    "/api/v1/reports": {
        "get": {
            "summary": "Volume, first response and handle time, SLA attainment and CSAT by tier (most valuable "
            "first) and agent (supervisors), over whole UTC days: the last ?days=1-92, or ?since=&until= (dates, "
            "both included, at most 92 days); ?format=csv for a spreadsheet (UTF-8 with a byte order mark)",
            "parameters": [
                {"name": "days", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 92}},
                {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"}},
                {"name": "until", "in": "query", "schema": {"type": "string", "format": "date"}},
                {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv"]}},
            ],
            "responses": _ok(_OBJ),
        },
    },
    "/api/v1/agents/me/limits": {
        "put": {
            "summary": 'The signed-in agent\'s own per-channel limits ({"webchat": 1}; {} lifts them), at most '
            "their allowed capacity",
            "requestBody": request_body(OwnLimits),
            "responses": _ok(_OBJ),
        },
    },
    "/api/v1/attachments": {
        "post": {
            "summary": "Upload a file to attach (multipart/form-data, part `file`); name it in a reply's "
            "or note's `attachments` by its `storage_key`",
            "requestBody": _UPLOAD,
            "responses": _ok(_OBJ, "201"),
        },
    },
    "/api/v1/knowledge/overview": {
        "get": {
            "summary": "The knowledge list: one page of articles with owner, usefulness, suggestions and review-by, "
            "status counts",
            "description": (
                "q searches like /knowledge/suggest (published, best first) and then titles, variants, tags and "
                "categories of every article; status is draft, in_review, published, archived or review_due; "
                "sort is relevance, updated, title, review_by, useful or suggested (most suggested first). Each "
                "article carries `suggested_30d`: how often it was suggested to agents in the last 30 days (UTC "
                "dates, today included)."
            ),
            "parameters": [
                {"name": n, "in": "query", "schema": {"type": "string"}}
                for n in ("q", "status", "category", "locale", "sort")
            ]
            + [
                {"name": "owner_id", "in": "query", "schema": ID_SCHEMA},
                {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
            ],
            "responses": _ok(_OVERVIEW),
        },
    },
    "/api/v1/knowledge/preview": {
        "post": {
            "summary": "Render Markdown as a published article would be (sanitized HTML)",
            "requestBody": request_body(Preview),
            "responses": _ok(_OBJ),
        },
    },
}
