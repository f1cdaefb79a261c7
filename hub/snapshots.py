"""Immutable views of tickets and interactions, shared by events, the REST API and the console."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from hub.db.models import Customer, Interaction, Ticket


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True, slots=True)
class TicketSnapshot:
    id: int
    customer_id: int
    customer_name: str
    customer_tier: str
    subject: str
    status: str
    priority: str
    channel: str
    queue: str
    assignee_id: int | None
    tags: tuple[str, ...]
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    last_message_at: datetime
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, ticket: Ticket, customer: Customer, queue: str) -> TicketSnapshot:
        return cls(
            id=ticket.id,
            customer_id=ticket.customer_id,
            customer_name=customer.display_name,
            customer_tier=customer.tier,
            subject=ticket.subject,
            status=ticket.status,
            priority=ticket.priority,
            channel=ticket.channel,
            queue=queue,
            assignee_id=ticket.assignee_id,
            tags=tuple(ticket.tags or ()),
            first_response_due_at=ticket.first_response_due_at,
            resolution_due_at=ticket.resolution_due_at,
            last_message_at=ticket.last_message_at,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["tags"] = list(self.tags)
        for key in ("first_response_due_at", "resolution_due_at", "last_message_at", "created_at", "updated_at"):
            data[key] = _iso(data[key])
        return data


@dataclass(frozen=True, slots=True)
class InteractionSnapshot:
    id: int
    ticket_id: int
    customer_id: int
    direction: str
    channel: str
    external_id: str | None
    author_agent_id: int | None
    text: str
    html: str | None
    attachments: tuple[dict[str, Any], ...]
    delivery_status: str | None
    delivery_error: str | None
    created_at: datetime

    @classmethod
    def of(cls, row: Interaction) -> InteractionSnapshot:
        return cls(
            id=row.id,
            ticket_id=row.ticket_id,
            customer_id=row.customer_id,
            direction=row.direction,
            channel=row.channel,
            external_id=row.external_id,
            author_agent_id=row.author_agent_id,
            text=row.text,
            html=row.html,
            attachments=tuple(row.attachments or ()),
            delivery_status=row.delivery_status,
            delivery_error=row.delivery_error,
            created_at=row.created_at,
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["attachments"] = list(self.attachments)
        data["created_at"] = _iso(self.created_at)
        return data
