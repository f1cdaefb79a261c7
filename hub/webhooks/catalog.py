"""The events a webhook may subscribe to, and what each domain event sends as them (name and data)."""

from __future__ import annotations

from typing import Any

from hub.bus import Event
from hub.events import MessageCreated, MessageReceived, SurveyAnswered, TicketCreated, TicketUpdated

EVENT_NAMES = (
    "ticket.created",
    "ticket.updated",
    "ticket.assigned",
    "message.received",
    "message.created",
    "survey.answered",
)


def names_of(event: Event) -> tuple[str, ...]:
    """The webhook events this domain event is, named only: what payloads_of would build, without building it."""
    if isinstance(event, TicketCreated):
        return ("ticket.created",)
    if isinstance(event, TicketUpdated):
        return ("ticket.updated", "ticket.assigned") if "assignee_id" in event.changes else ("ticket.updated",)
    if isinstance(event, MessageReceived | MessageCreated):
        return (event.name,)
    if isinstance(event, SurveyAnswered):
        return ("survey.answered",)
    return ()


def payloads_of(event: Event) -> list[tuple[str, dict[str, Any]]]:
    """The webhook events (name, data) this domain event is: none for events webhooks do not carry."""
    if isinstance(event, TicketCreated):
        return [("ticket.created", {"ticket": event.ticket.to_json()})]
    if isinstance(event, TicketUpdated):
        ticket = event.ticket.to_json()
        sent: list[tuple[str, dict[str, Any]]] = [
            ("ticket.updated", {"ticket": ticket, "changes": list(event.changes)})
        ]
        # An assignment is its own event too, as help desks send it: receivers often want only that one.
        if "assignee_id" in event.changes:
            sent.append(("ticket.assigned", {"ticket": ticket, "assignee_id": event.ticket.assignee_id}))
        return sent
    if isinstance(event, MessageReceived | MessageCreated):
        return [(event.name, {"ticket": event.ticket.to_json(), "message": event.interaction.to_json()})]
    if isinstance(event, SurveyAnswered):
        return [
            (
                "survey.answered",
                {
                    "survey_id": event.survey_id,
                    "ticket_id": event.ticket_id,
                    "customer_id": event.customer_id,
                    "agent_id": event.agent_id,
                    "rating": event.rating,
                    "comment": event.comment,
                    "via": event.via,
                },
            )
        ]
    return []
