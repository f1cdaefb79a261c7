"""OpenAPI for the ticket and customer lists with search (hub/tickets/search.py, hub/customers/search.py)."""

from __future__ import annotations

from typing import Any

from hub.api.spec_parts import ID_SCHEMA, ok, ref


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema or {"type": "string"}, "description": description}


_Q = _query(
    "q",
    "words to find; Chinese is segmented (jieba), English stemmed, the last word matched as a prefix; every word "
    "must be found. With q the results are ranked best first, each with rank and snippet",
    {"type": "string", "maxLength": 200},
)
_CURSOR = _query("cursor", "next_cursor of the previous page (replaces offset; keeps deep pages fast)")
_LIMIT = _query("limit", "page size", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50})
_NEXT = {"type": ["string", "null"], "description": "pass as cursor for the next page; null on the last page"}
_RANK = {"type": "number", "description": "relevance, higher is better; only comparable within one result list"}
_SNIPPET = {
    "type": "string",
    "description": "HTML-escaped text around the first word found, the words wrapped in <mark>…</mark>",
}
TICKET_QUERY: list[dict[str, Any]] = [
    _Q,
    _query("status", "comma list of statuses"),
    _query("queue", "queue name"),
    _query("channel", "channel kind"),
    _query("assignee", "agent id, me or none"),
    _query("customer_id", "one customer's tickets", ID_SCHEMA),
    _query("tier", "the customer's tier"),
    _query("tag", "tickets carrying this tag"),
    _query("sla", "breached: only tickets whose SLA is breached (a due time missed)", {"enum": ["breached"]}),
    _query(
        "order",
        "inbox (default): most urgent, then longest waiting; recent: most recently active first (solved and closed "
        "work). Lists only: a search (q) is ranked by relevance",
        {"enum": ["inbox", "recent"]},
    ),
    _LIMIT,
    _query("offset", "tickets to skip (prefer cursor)", {"type": "integer", "minimum": 0}),
    _CURSOR,
]
_TICKET_HIT = {
    "allOf": [
        ref("Ticket"),
        {
            "type": "object",
            "properties": {
                "rank": _RANK,
                "snippet": _SNIPPET,
                "matched_interaction_id": {
                    "type": ["integer", "null"],
                    "description": "the message the snippet is from; null: the subject",
                },
            },
        },
    ],
    "description": "with q: a ticket plus rank, snippet and matched_interaction_id",
}
_IDENTITY = {"type": "object", "properties": {"kind": {"type": "string"}, "value": {"type": "string"}}}
_CUSTOMER_HIT = {
    "type": "object",
    "required": ["id", "display_name", "tier", "identities"],
    "properties": {
        "id": {"type": "integer"},
        "display_name": {"type": "string"},
        "tier": {"type": "string"},
        "identities": {"type": "array", "items": _IDENTITY},
        "rank": {**_RANK, "description": "with q only: " + _RANK["description"]},
        "snippet": {**_SNIPPET, "description": "with q only: the name or identity that matched, " + "highlighted"},
        "last_contact_at": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "their latest ticket's last message; null: never in touch",
        },
        "open_tickets": {"type": "integer", "description": "their new, open and pending tickets"},
    },
}

SEARCH_PATHS: dict[str, Any] = {
    "/api/v1/tickets": {
        "get": {
            "summary": "List and filter tickets, most urgent then longest waiting first; with q, search subjects "
            "and every message (staff notes included; coaching notes only for their agent and supervisors)",
            "parameters": TICKET_QUERY,
            "responses": ok(
                {
                    "type": "object",
                    "properties": {
                        "tickets": {"type": "array", "items": {"anyOf": [ref("Ticket"), _TICKET_HIT]}},
                        "limit": {"type": "integer"},
                        "offset": {"type": "integer"},
                        "next_cursor": _NEXT,
                    },
                }
            ),
        }
    },
    "/api/v1/customers": {
        "get": {
            "summary": "Find customers by name (Chinese, pinyin, Latin), e-mail, phone in any format or WeChat id, "
            "best first; without q, the newest customers first; tier= keeps one tier (400 for an unknown one)",
            "parameters": [_Q, _query("tier", "one of routing.toml's tiers"), _LIMIT, _CURSOR],
            "responses": ok(
                {
                    "type": "object",
                    "properties": {
                        "customers": {"type": "array", "items": _CUSTOMER_HIT},
                        "limit": {"type": "integer"},
                        "next_cursor": _NEXT,
                    },
                }
            ),
        }
    },
}
