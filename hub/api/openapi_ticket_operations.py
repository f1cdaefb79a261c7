"""OpenAPI of ticket operations (create, merge, split, links); request bodies generated from their models."""

from __future__ import annotations

from typing import Any

from hub.api.requests_ticket_operations import MergeBody, NewTicketBody, SplitBody, TicketLinkBody
from hub.api.spec_parts import ID, ID_SCHEMA, ok, ref
from hub.api.validation import request_body

_LINKS = {
    "type": "object",
    "properties": {
        "links": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "ticket_id": {"type": "integer"},
                    "kind": {"enum": ["related", "parent", "child"], "description": "what that ticket is to this"},
                    "subject": {"type": "string"},
                    "status": {"type": "string"},
                    "created_by": {"type": "string"},
                    "created_at": {"type": "string", "format": "date-time"},
                },
            },
        }
    },
}
_TWO = {"ticket": ref("Ticket"), "moved": {"type": "integer", "description": "messages moved"}}

# Merged into the paths by hub/api/openapi.py: POST /api/v1/tickets sits beside the list's GET.
TICKET_OPERATION_PATHS: dict[str, dict[str, Any]] = {
    "/api/v1/tickets": {
        "post": {
            "summary": "Open a ticket for a customer (by id, or by an identity: a new one makes a customer) on a "
            "channel; its text is sent to the customer (send: true, checked by the reply rules: 422 when refused, "
            "and then no ticket is made) or kept as an internal note",
            "requestBody": request_body(NewTicketBody),
            "responses": ok(
                {"type": "object", "properties": {"ticket": ref("Ticket"), "interaction": ref("Interaction")}},
                "201",
            ),
        }
    },
    "/api/v1/tickets/{id}/merge": {
        "post": {
            "summary": "Merge this ticket into another of the same customer's: messages, notes, attachments, calls "
            "and history move; this one closes pointing there (merged_into_id), and replies to it land there. "
            "Agents merge their own and unowned tickets, supervisors any; 409 for a closed ticket",
            "parameters": ID,
            "requestBody": request_body(MergeBody),
            "responses": ok({"type": "object", "properties": {**_TWO, "into": ref("Ticket")}}),
        }
    },
    "/api/v1/tickets/{id}/split": {
        "post": {
            "summary": "Move these messages to a new ticket of the same customer (linked as related); the new one "
            "keeps this one's due times",
            "parameters": ID,
            "requestBody": request_body(SplitBody),
            "responses": ok({"type": "object", "properties": {**_TWO, "created": ref("Ticket")}}, "201"),
        }
    },
    "/api/v1/tickets/{id}/links": {
        "get": {"summary": "This ticket's links", "parameters": ID, "responses": ok(_LINKS)},
        "post": {
            "summary": "Link another ticket as related, parent or child (audited on both; 409 when linked already)",
            "parameters": ID,
            "requestBody": request_body(TicketLinkBody),
            "responses": ok(_LINKS, "201"),
        },
    },
    "/api/v1/tickets/{id}/links/{other_id}": {
        "delete": {
            "summary": "Remove the link between the two tickets, whichever way it was made",
            "parameters": [*ID, {"name": "other_id", "in": "path", "required": True, "schema": ID_SCHEMA}],
            "responses": ok(_LINKS),
        }
    },
}
