"""OpenAPI schemas of what the API answers with: a ticket and an interaction, as their snapshots write them."""

from __future__ import annotations

from typing import Any

_NULLABLE = {"string": ["string", "null"], "integer": ["integer", "null"], "object": ["object", "null"]}


def _object(fields: str) -> dict[str, Any]:
    """ "name:type" pairs, a `?` after the type for one that may be null (snapshots write None as null)."""
    properties: dict[str, Any] = {}
    for pair in fields.split():
        name, kind = pair.split(":")
        properties[name] = {"type": _NULLABLE[kind[:-1]] if kind.endswith("?") else kind}
        if name.endswith("_at"):
            properties[name]["format"] = "date-time"
    return {"type": "object", "properties": properties}


TICKET = _object(
    "id:integer customer_id:integer customer_name:string customer_tier:string subject:string status:string "
    "priority:string channel:string queue:string assignee_id:integer? tags:array requirements:object "
    "assignment:object first_response_due_at:string? first_responded_at:string? resolution_due_at:string? "
    "last_message_at:string created_at:string updated_at:string merged_into_id:integer? remind_at:string? "
    "sla_breached:boolean sla_breached_at:string? sla_paused_at:string?"
)
INTERACTION = _object(
    "id:integer ticket_id:integer customer_id:integer direction:string channel:string external_id:string? "
    "author_agent_id:integer? text:string html:string? attachments:array meta:object delivery_status:string? "
    "delivery_error:string? created_at:string delivery_next_attempt_at:string?"
)
