"""Immutable views of tickets and interactions, shared by events, the REST API and the console."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.clock import utcnow
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
    requirements: dict[str, Any]
    assignment: dict[str, Any]
    first_response_due_at: datetime | None
    first_responded_at: datetime | None
    resolution_due_at: datetime | None
    last_message_at: datetime
    created_at: datetime
    updated_at: datetime
    merged_into_id: int | None = None  # merged into that ticket: this one is closed and points there
    remind_at: datetime | None = None  # pending until then (snoozed), or until the customer writes
    sla_paused_at: datetime | None = None  # waiting on the customer since: the SLA clocks stand still
    sla_breached_at: datetime | None = None  # the due time missed first, as of the snapshot (hub/tickets/sla.py)

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
            requirements=dict(ticket.requirements or {}),
            assignment=dict(ticket.assignment or {}),
            first_response_due_at=ticket.first_response_due_at,
            first_responded_at=ticket.first_responded_at,
            resolution_due_at=ticket.resolution_due_at,
            last_message_at=ticket.last_message_at,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
            merged_into_id=ticket.merged_into_id,
            remind_at=ticket.remind_at,
            sla_paused_at=ticket.sla_paused_at,
            sla_breached_at=ticket.sla_breach(utcnow()),
        )

    def to_json(self) -> dict[str, Any]:
        # Built by hand: dataclasses.asdict deep-copies, and this runs for every pushed event.
        return {
            "id": self.id,
            "customer_id": self.customer_id,
            "customer_name": self.customer_name,
            "customer_tier": self.customer_tier,
            "subject": self.subject,
            "status": self.status,
            "priority": self.priority,
            "channel": self.channel,
            "queue": self.queue,
            "assignee_id": self.assignee_id,
            "tags": list(self.tags),
            "requirements": self.requirements,
            "assignment": self.assignment,
            "first_response_due_at": _iso(self.first_response_due_at),
            "first_responded_at": _iso(self.first_responded_at),
            "resolution_due_at": _iso(self.resolution_due_at),
            "last_message_at": _iso(self.last_message_at),
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "merged_into_id": self.merged_into_id,
            "remind_at": _iso(self.remind_at),
            "sla_breached": self.sla_breached_at is not None,
            "sla_breached_at": _iso(self.sla_breached_at),
            "sla_paused_at": _iso(self.sla_paused_at),
        }


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
    # What the channel knows beyond the text: a call's IVR path, outcome and recording; mail headers.
    meta: dict[str, Any]
    delivery_status: str | None
    delivery_error: str | None
    created_at: datetime
    # A reply the outbox is retrying ("retrying"): when it tries again.
    delivery_next_attempt_at: datetime | None = None

    @classmethod
    def of(cls, row: Interaction) -> InteractionSnapshot:
        return cls.from_values(
            row.id,
            {name: getattr(row, name) for name in _INTERACTION_FIELDS},
            delivery_next_attempt_at=row.delivery_next_attempt_at,
        )

    @classmethod
    def from_values(
        cls, interaction_id: int, values: dict[str, Any], *, delivery_next_attempt_at: datetime | None = None
    ) -> InteractionSnapshot:
        """From the column values of an INSERT, without loading the row back."""
        return cls(
            id=interaction_id,
            **{name: values[name] for name in _INTERACTION_FIELDS if name != "attachments"},
            attachments=tuple(values["attachments"] or ()),
            delivery_next_attempt_at=delivery_next_attempt_at,
        )

    def to_json(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in ("id", *_INTERACTION_FIELDS)}
        data["attachments"] = list(self.attachments)
        data["created_at"] = _iso(self.created_at)
        data["delivery_next_attempt_at"] = _iso(self.delivery_next_attempt_at)
        return data


_INTERACTION_FIELDS = (
    "ticket_id",
    "customer_id",
    "direction",
    "channel",
    "external_id",
    "author_agent_id",
    "text",
    "html",
    "attachments",
    "meta",
    "delivery_status",
    "delivery_error",
    "created_at",
)
