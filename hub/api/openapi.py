"""The OpenAPI 3.1 description of the REST API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from hub import __version__
from hub.api.openapi_access import ACCESS_PATHS
from hub.api.openapi_admin import ADMIN_PATHS, AGENT_CREATE
from hub.api.openapi_audit import AUDIT_PATHS
from hub.api.openapi_calendars import CALENDAR_PATHS
from hub.api.openapi_console import CONSOLE_PATHS
from hub.api.openapi_customers import CUSTOMER_PATHS
from hub.api.openapi_delivery import DELIVERY_PATHS
from hub.api.openapi_knowledge import KNOWLEDGE_PATHS
from hub.api.openapi_mail import MAIL_PATHS
from hub.api.openapi_preferences import PREFERENCE_PATHS
from hub.api.openapi_queues import QUEUE_PATHS
from hub.api.openapi_schemas import INTERACTION, TICKET
from hub.api.openapi_search import SEARCH_PATHS
from hub.api.openapi_ticket_operations import TICKET_OPERATION_PATHS
from hub.api.openapi_ticket_writes import BULK_BODY, OFFER_BODY, REPLY_BODY, TICKET_CHANGE_BODY
from hub.api.openapi_webhooks import WEBHOOK_PATHS
from hub.api.openapi_yellow_pages import AGENTS_PATH, PROFILE_PATH
from hub.api.requests_people import CustomerPatch, LinkBody, Nothing
from hub.api.spec_parts import ID as _ID
from hub.api.spec_parts import ok as _ok
from hub.api.spec_parts import ref as _ref
from hub.api.validation import SHARED_SCHEMAS, request_body

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "hub REST API", "version": __version__},
    "security": [{"bearer": []}, {"session": []}],
    "paths": {
        **SEARCH_PATHS,
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
                            "surveys": {"type": "array", "items": {"type": "object"}},
                            "claim": {
                                "type": ["object", "null"],
                                "description": "Who a chat visitor says they are (pre-chat form or the website's "
                                "identity): verified only when the website signed it (identity hash); unverified "
                                "claims are shown as 'says they are', never as a verified identity",
                                "properties": {
                                    "name": {"type": ["string", "null"]},
                                    "email": {"type": ["string", "null"]},
                                    "identifier": {"type": "string"},
                                    "widget": {"type": "string"},
                                    "verified": {"type": "boolean"},
                                },
                            },
                        },
                    }
                ),
            },
            "patch": {
                "summary": "Change status (allowed transitions, 409 otherwise), tags, assignee, queue, priority, "
                "requirements; if_updated_at for a conflict check",
                "parameters": _ID,
                "requestBody": TICKET_CHANGE_BODY,
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
                "requestBody": REPLY_BODY,
                "responses": _ok(
                    {"type": "object", "properties": {"ticket": _ref("Ticket"), "interaction": _ref("Interaction")}},
                    "201",
                ),
            }
        },
        "/api/v1/customers/{id}": {
            "patch": {
                "summary": 'Set the tier (an override; "auto" lifts it) or annual_margin, which value rules turn into '
                "lifetime value and tier, or correct display_name and notes (supervisors; audited); open tickets "
                "follow the new tier (tickets_retiered)",
                "parameters": _ID,
                "requestBody": request_body(CustomerPatch),
                "responses": _ok({"type": "object"}),
            },
            "get": {
                "summary": "A customer with identities, history timeline, insight and answered surveys",
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
            },
        },
        "/api/v1/customers/{id}/link": {
            "post": {
                "summary": "Link this customer to the one known by an identity: everything moves there (audited)",
                "parameters": _ID,
                "requestBody": request_body(LinkBody),
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
        **KNOWLEDGE_PATHS,
        **CUSTOMER_PATHS,
        **CONSOLE_PATHS,
        **MAIL_PATHS,
        **DELIVERY_PATHS,
        **ACCESS_PATHS,
        **WEBHOOK_PATHS,
        **QUEUE_PATHS,
        **PREFERENCE_PATHS,
        **ADMIN_PATHS,
        **CALENDAR_PATHS,
        "/api/v1/agents/{id}/profile": PROFILE_PATH,
        "/api/v1/routing/reload": {
            "post": {
                "summary": "Read routing.toml again (supervisors); 422 with the line or key when it is invalid, "
                "and the running policy stays",
                "requestBody": request_body(Nothing, required=False),
                "responses": _ok({"type": "object"}),
            }
        },
        "/api/v1/tickets/{id}/offer": {
            "post": {
                "summary": "Accept or decline a ticket offered to you: {accept: true|false}; 409 when no longer yours",
                "parameters": _ID,
                "requestBody": OFFER_BODY,
                "responses": _ok({"type": "object", "properties": {"ticket": {"type": "object"}}}),
            }
        },
        "/api/v1/tickets/bulk": {
            "post": {
                "summary": "Apply one change to many tickets (supervisors): {ids, change}; a result per ticket",
                "requestBody": BULK_BODY,
                "responses": _ok({"type": "object"}),
            }
        },
        "/api/v1/queues/stats": {
            "get": {
                "summary": "Waiting work by queue, tier and skill; longest wait; SLA at risk or breached; agents",
                "responses": _ok({"type": "object"}),
            }
        },
        "/api/v1/agents": {**AGENTS_PATH, **AGENT_CREATE},
        **AUDIT_PATHS,
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
                            "required": ["error"],
                            "properties": {
                                "error": {
                                    "type": "object",
                                    "required": ["code", "message"],
                                    "properties": {
                                        "code": {"type": "string"},
                                        "message": {"type": "string", "description": "the sentence in English"},
                                        "key": {
                                            "type": "string",
                                            "description": "the sentence's template (the catalogs' msgid) with "
                                            "%(name)s placeholders; sent when the refusal has one",
                                        },
                                        "params": {
                                            "type": "object",
                                            "description": "what fills the key's placeholders, as is in every language",
                                            "additionalProperties": {"type": ["string", "number"]},
                                        },
                                    },
                                }
                            },
                        }
                    }
                },
            }
        },
        "schemas": {
            **SHARED_SCHEMAS,
            "Ticket": TICKET,
            "Interaction": INTERACTION,
        },
    },
}


# Ticket operations; POST /api/v1/tickets joins the list's entry rather than replacing it.
for _path, _operations in TICKET_OPERATION_PATHS.items():
    SPEC["paths"].setdefault(_path, {}).update(_operations)


async def openapi(_request: web.Request) -> web.Response:
    return web.json_response(SPEC)
