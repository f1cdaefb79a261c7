"""Typed domain events, named noun.verb, published only after their transaction commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from hub.bus import Event
from hub.events.snapshots import InteractionSnapshot, TicketSnapshot


@dataclass(frozen=True, slots=True)
class TicketCreated(Event):
    name: ClassVar[str] = "ticket.created"
    ticket: TicketSnapshot


@dataclass(frozen=True, slots=True)
class TicketUpdated(Event):
    name: ClassVar[str] = "ticket.updated"
    ticket: TicketSnapshot
    changes: tuple[str, ...]
    # Queue and assignee before a move: consoles that saw the ticket there hear that it left.
    before: tuple[str, int | None] | None = None


@dataclass(frozen=True, slots=True)
class MessageReceived(Event):
    """A customer's contact was stored (any channel)."""

    name: ClassVar[str] = "message.received"
    ticket: TicketSnapshot
    interaction: InteractionSnapshot


@dataclass(frozen=True, slots=True)
class MessageCreated(Event):
    """An agent reply or internal note was stored; replies are now in the outbox."""

    name: ClassVar[str] = "message.created"
    ticket: TicketSnapshot
    interaction: InteractionSnapshot


@dataclass(frozen=True, slots=True)
class DeliveryUpdated(Event):
    name: ClassVar[str] = "message.delivery_updated"
    ticket_id: int
    queue: str
    interaction_id: int
    status: str
    error: str | None
    next_attempt_at: datetime | None = None  # while "retrying"
    problem: dict[str, Any] | None = None  # the cause as {"key", "params"} (hub/wording.py), while failed or retrying


@dataclass(frozen=True, slots=True)
class AgentStatusChanged(Event):
    name: ClassVar[str] = "agent.status_changed"
    agent_id: int
    presence: str
    reason: str = ""  # why the hub changed it ("missed_offer"); empty when the agent chose


@dataclass(frozen=True, slots=True)
class QueueChanged(Event):
    """An admin changed a queue's members or how its work is given out: routing looks at its waiting work again."""

    name: ClassVar[str] = "queue.changed"
    queue: str
    changes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CalendarChanged(Event):
    """An admin created, changed or deleted a business-hours calendar: every process reads its calendars again."""

    name: ClassVar[str] = "calendar.changed"
    calendar: str
    action: str  # created, updated, deleted


@dataclass(frozen=True, slots=True)
class CredentialsRevoked(Event):
    """Console sockets opened with these credentials must close: an agent (deactivated, role or password
    changed), an API token (revoked), or console sessions (signed out), named by their token hashes."""

    name: ClassVar[str] = "credentials.revoked"
    agent_id: int | None = None
    token_id: int | None = None
    session_hashes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleLiveChanged(Event):
    """An article was published or archived: what customers may be answered with changed."""

    name: ClassVar[str] = "article.live_changed"
    article_id: int


@dataclass(frozen=True, slots=True)
class SurveyAnswered(Event):
    """A customer rated a solved ticket (1-5), by link or by reply; sent once, for the first answer."""

    name: ClassVar[str] = "survey.answered"
    survey_id: int
    ticket_id: int
    customer_id: int
    agent_id: int | None
    rating: int
    comment: str | None
    via: str


@dataclass(frozen=True, slots=True)
class WebhookDisabled(Event):
    """An outbound webhook was turned off after failing for too long: admins are told."""

    name: ClassVar[str] = "webhook.disabled"
    webhook_id: int
    url: str
    reason: str
