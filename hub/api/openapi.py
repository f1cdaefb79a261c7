"""The OpenAPI 3.1 description of the REST API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from hub import __version__


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    errors = {code: {"$ref": "#/components/responses/Error"} for code in ("400", "401", "403", "404")}
    return {status: {"description": "OK", "content": {"application/json": {"schema": schema}}}, **errors}


_ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_TICKET_QUERY = [
    {"name": "status", "in": "query", "schema": {"type": "string"}, "description": "comma list of statuses"},
    {"name": "queue", "in": "query", "schema": {"type": "string"}},
    {"name": "channel", "in": "query", "schema": {"type": "string"}},
    {"name": "assignee", "in": "query", "schema": {"type": "string"}, "description": "agent id, me or none"},
    {"name": "customer_id", "in": "query", "schema": {"type": "integer"}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
]

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
_KNOWLEDGE_PATHS: dict[str, Any] = {
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

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "hub REST API", "version": __version__},
    "security": [{"bearer": []}, {"session": []}],
    "paths": {
        "/api/v1/tickets": {
            "get": {
                "summary": "List and filter tickets, most urgent first",
                "parameters": _TICKET_QUERY,
                "responses": _ok(
                    {"type": "object", "properties": {"tickets": {"type": "array", "items": _ref("Ticket")}}}
                ),
            }
        },
        "/api/v1/tickets/{id}": {
            "get": {
                "summary": "One ticket with its interactions",
                "parameters": _ID,
                "responses": _ok(
                    {
                        "type": "object",
                        "properties": {
                            "ticket": _ref("Ticket"),
                            "interactions": {"type": "array", "items": _ref("Interaction")},
                        },
                    }
                ),
            },
            "patch": {
                "summary": "Change status (allowed transitions only, 409 otherwise) and/or tags",
                "parameters": _ID,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "status": {
                                        "type": "string",
                                        "enum": ["new", "open", "pending", "solved", "closed"],
                                    },
                                    "tags": {"type": "array", "items": {"type": "string"}},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    **_ok({"type": "object", "properties": {"ticket": _ref("Ticket")}}),
                    "409": {"$ref": "#/components/responses/Error"},
                },
            },
        },
        "/api/v1/tickets/{id}/replies": {
            "post": {
                "summary": "Reply to the customer on the ticket's channel, or add an internal note",
                "parameters": _ID,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["text"],
                                "properties": {
                                    "text": {"type": "string"},
                                    "internal": {"type": "boolean", "default": False},
                                },
                            }
                        }
                    },
                },
                "responses": _ok(
                    {"type": "object", "properties": {"ticket": _ref("Ticket"), "interaction": _ref("Interaction")}},
                    "201",
                ),
            }
        },
        "/api/v1/customers/{id}": {
            "get": {
                "summary": "A customer with identities and history timeline",
                "parameters": _ID,
                "responses": _ok(
                    {
                        "type": "object",
                        "properties": {
                            "customer": {"type": "object"},
                            "history": {"type": "array", "items": {"type": "object"}},
                        },
                    }
                ),
            }
        },
        "/api/v1/customers/{id}/link": {
            "post": {
                "summary": "Link this customer to the one known by an identity: everything moves there (audited)",
                "parameters": _ID,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["kind", "value"],
                                "properties": {"kind": {"type": "string"}, "value": {"type": "string"}},
                            }
                        }
                    },
                },
                "responses": {
                    **_ok({"type": "object", "properties": {"customer_id": {"type": "integer"}}}),
                    "422": {"$ref": "#/components/responses/Error"},
                },
            }
        },
        "/api/v1/attachments/{key}": {
            "get": {
                "summary": "Download a stored attachment",
                "parameters": [{"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the file", "content": {"application/octet-stream": {}}}},
            }
        },
        **_KNOWLEDGE_PATHS,
        "/api/v1/agents/{id}/profile": {
            "put": {
                "summary": "Replace an agent's yellow-pages entry (supervisors): skills, languages, capacity, tiers, "
                "topics",
                "parameters": _ID,
                "responses": _ok({"type": "object"}),
            }
        },
        "/api/v1/agents": {
            "get": {
                "summary": "The yellow pages: agents by ?skill=&min_level=&language=&channel=&q=&available=1",
                "responses": _ok({"type": "object", "properties": {"agents": {"type": "array"}}}),
            }
        },
    },
    "components": {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "description": "a token from `hub token create`"},
            "session": {
                "type": "apiKey",
                "in": "cookie",
                "name": "hub_session",
                "description": "console session; writes also need the X-CSRF-Token header",
            },
        },
        "responses": {
            "Error": {
                "description": "error",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "error": {
                                    "type": "object",
                                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                                }
                            },
                        }
                    }
                },
            }
        },
        "schemas": {
            "Ticket": {
                "type": "object",
                "properties": {
                    k: {"type": t}
                    for k, t in [
                        ("id", "integer"),
                        ("customer_id", "integer"),
                        ("customer_name", "string"),
                        ("customer_tier", "string"),
                        ("subject", "string"),
                        ("status", "string"),
                        ("priority", "string"),
                        ("channel", "string"),
                        ("queue", "string"),
                        ("tags", "array"),
                        ("first_response_due_at", "string"),
                        ("resolution_due_at", "string"),
                        ("last_message_at", "string"),
                        ("created_at", "string"),
                        ("updated_at", "string"),
                    ]
                },
            },
            "Interaction": {
                "type": "object",
                "properties": {
                    k: {"type": t}
                    for k, t in [
                        ("id", "integer"),
                        ("ticket_id", "integer"),
                        ("direction", "string"),
                        ("channel", "string"),
                        ("text", "string"),
                        ("html", "string"),
                        ("delivery_status", "string"),
                        ("delivery_error", "string"),
                        ("created_at", "string"),
                    ]
                },
            },
        },
    },
}


async def openapi(_request: web.Request) -> web.Response:
    return web.json_response(SPEC)
