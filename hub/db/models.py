"""Tables: customers, identities, agents, queues, tickets, interactions, outbox, history, audit, calls."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    Computed,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.clock import utcnow
from hub.db.base import Base


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    tier: Mapped[str] = mapped_column(String(20), default="general")
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Set when this record was merged into another: it keeps nothing, and is kept only so unmerge can restore it.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), default=None, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    identities: Mapped[list[Identity]] = relationship(back_populates="customer", lazy="raise")


class Identity(Base):
    """One way to reach a customer: kind (email, phone, webchat, wechat...) + normalized value."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_identities_kind_value"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(320))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    customer: Mapped[Customer] = relationship(back_populates="identities", lazy="raise")


class Queue(Base):
    __tablename__ = "queues"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The [calendars.<name>] its tickets' SLA clocks count business time in; None: around the clock.
    calendar: Mapped[str | None] = mapped_column(String(64), default=None)
    # Off: routing neither offers nor assigns its tickets; agents pick them from the queue. (Server defaults: a
    # plain INSERT written for an older schema names neither column.)
    auto_assign: Mapped[bool] = mapped_column(server_default=true())
    # Configured in hub.toml (start-up refreshes its display name) or made by an admin through the API.
    configured: Mapped[bool] = mapped_column(server_default=true())


class Agent(Base):
    __tablename__ = "agents"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32), default="agent")
    password_hash: Mapped[str] = mapped_column(String(200))
    presence: Mapped[str] = mapped_column(String(16), default="offline")
    languages: Mapped[list[Any]] = mapped_column(default=list)
    # Yellow pages: concurrent tickets per channel (missing = the routing default), tiers this agent may
    # serve (empty = all), free-text topics of expertise.
    capacity: Mapped[dict[str, Any]] = mapped_column(default=dict)
    tiers: Mapped[list[Any]] = mapped_column(default=list)
    topics: Mapped[list[Any]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Where a phone call for this agent rings: +E.164, sip:user@host, or client:identity (None: no calls).
    voice_endpoint: Mapped[str | None] = mapped_column(String(200), default=None)
    locale: Mapped[str | None] = mapped_column(String(16), default=None)  # console language; None: the browser's
    # The agent's own per-channel limits from the console ("two chats at a time today"), never above capacity.
    own_limits: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(default=None)
    # When the agent entered their presence (revision 0020): the wallboard's time in state.
    presence_since: Mapped[datetime | None] = mapped_column(default=None)
    # The agent's own console settings (revision 0023): only what they changed; hub/agents/preferences.py has the
    # defaults. A server default so rows written before it, or by an older INSERT, read as "all defaults".
    preferences: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")


class AgentSkill(Base):
    __tablename__ = "agent_skills"
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True)
    skill: Mapped[str] = mapped_column(String(64), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)


class AgentEvidence(Base):
    """Yellow-pages evidence from outcomes: tickets needing a skill that this agent solved, and how fast."""

    __tablename__ = "agent_evidence"
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True)
    skill: Mapped[str] = mapped_column(String(64), primary_key=True)
    resolved: Mapped[int] = mapped_column(Integer, default=0)
    resolve_seconds: Mapped[int] = mapped_column(Integer, default=0)  # summed, for the average


class MailCheckpoint(Base):
    """How far an IMAP mailbox has been read: a restart neither re-reads nor skips mail."""

    __tablename__ = "mail_checkpoints"
    mailbox: Mapped[str] = mapped_column(String(64), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MailNotice(Base):
    """Mail that is nobody's contact and threads to no ticket: a delivery report about no mail of ours, an
    automatic reply to nothing. Kept for staff (GET /api/v1/mail/notices), never made a ticket or a customer."""

    __tablename__ = "mail_notices"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "bounce" or "automatic"
    message_id: Mapped[str] = mapped_column(String(255), unique=True)  # Message-ID or content hash: stored once
    mailbox: Mapped[str] = mapped_column(String(64))
    sender: Mapped[str] = mapped_column(String(320), default="")  # as the mail gave it, even when unusable
    subject: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(String(300), default="")  # why automatic, or what the report says
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)  # raw_key, the report's fields
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class VoiceCall(Base):
    """A phone call's progress through the IVR and the queue, so every webhook continues where it left off."""

    __tablename__ = "voice_calls"
    call_sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    number: Mapped[str] = mapped_column(String(32))  # the Twilio number called
    # As Twilio sent it: a number, "client:alice", a sip: URI, "anonymous" or empty (withheld).
    caller: Mapped[str] = mapped_column(String(320))
    tier: Mapped[str] = mapped_column(String(20), default="general")
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    node: Mapped[str | None] = mapped_column(String(64), default=None)  # None: choosing the language
    path: Mapped[list[Any]] = mapped_column(default=list)
    state: Mapped[str] = mapped_column(String(16), default="ivr")
    want: Mapped[str | None] = mapped_column(String(16), default=None)  # "voicemail" or "callback"
    retries: Mapped[int] = mapped_column(Integer, default=0)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"), default=None)
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id", ondelete="SET NULL"), default=None)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"), default=None)
    outcome: Mapped[str | None] = mapped_column(String(16), default=None)
    voicemail_offered: Mapped[bool] = mapped_column(Boolean, default=False)
    announced_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class QueueMember(Base):
    __tablename__ = "queue_members"
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True)


class Status(enum.StrEnum):
    """The states a ticket's status column holds (hub.tickets.model moves tickets between them)."""

    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    SOLVED = "solved"
    CLOSED = "closed"


ACTIVE = (Status.NEW, Status.OPEN, Status.PENDING)

# A priority's place in the inbox order (hub.customers.tiers.PRIORITIES: urgent first; an unknown one last),
# computed by the database so one index holds the whole order (hub/tickets/listing.py). Revision 0018.
PRIORITY_RANK_SQL = (
    "CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 WHEN 'low' THEN 3 ELSE 4 END"
)


Clock = tuple[datetime | None, datetime | None]  # (due, met)


def sla_breach_at(
    recorded: datetime | None, paused: datetime | None, clocks: tuple[Clock, ...], now: datetime
) -> datetime | None:
    """Ticket.sla_breach from its columns alone (lists read plain rows, not Ticket objects)."""
    if recorded is not None or paused is not None:
        return recorded
    return min((due for due, met in clocks if due is not None and (met > due if met else due < now)), default=None)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_status_queue", "status", "queue_id"),
        Index("ix_tickets_customer_channel", "customer_id", "channel", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(16), default="new")
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    priority_rank: Mapped[int] = mapped_column(SmallInteger, Computed(PRIORITY_RANK_SQL))
    # The customer's tier, copied by the database (triggers of revision 0019) so a tier's list is an index range.
    customer_tier: Mapped[str | None] = mapped_column(String(16), default=None)
    channel: Mapped[str] = mapped_column(String(32))
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"), index=True)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    # Routing input: {"skills": {"refunds": 3}, "language": "zh"}; and why the assignee was chosen.
    requirements: Mapped[dict[str, Any]] = mapped_column(default=dict)
    assignment: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Set while the assignee has been offered the ticket and has not accepted: swept when it passes.
    offer_expires_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    first_response_due_at: Mapped[datetime | None] = mapped_column(default=None)
    resolution_due_at: Mapped[datetime | None] = mapped_column(default=None)
    first_responded_at: Mapped[datetime | None] = mapped_column(default=None)
    solved_at: Mapped[datetime | None] = mapped_column(default=None)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Merged into another ticket: closed, kept as a pointer there (hub/tickets/merging.py).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), default=None, index=True)
    # A pending ticket's reminder: it opens again then (hub/tickets/snooze.py); the index finds the due ones.
    remind_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    # SLA clocks stop while the ticket waits on the customer (pending) from this instant (hub/tickets/sla.py).
    sla_paused_at: Mapped[datetime | None] = mapped_column(default=None)
    # When a due time first passed unmet; set once, kept after the ticket catches up.
    sla_breached_at: Mapped[datetime | None] = mapped_column(default=None, index=True)

    def sla_breach(self, now: datetime) -> datetime | None:
        """When the SLA was breached: as recorded, else the earliest due time a running clock passed unmet (or met
        late) by `now`; None while kept. (hub.tickets.sla.breached is the same test in SQL.)"""
        clocks = ((self.first_response_due_at, self.first_responded_at), (self.resolution_due_at, self.solved_at))
        return sla_breach_at(self.sla_breached_at, self.sla_paused_at, clocks, now)


class Interaction(Base):
    """One contact on a ticket: inbound or outbound message, internal note, or system line."""

    __tablename__ = "interactions"
    __table_args__ = (
        UniqueConstraint("channel", "external_id", name="uq_interactions_channel_external_id"),
        Index("ix_interactions_ticket_created", "ticket_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str | None] = mapped_column(String(255), default=None)
    author_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str | None] = mapped_column(Text, default=None)
    attachments: Mapped[list[Any]] = mapped_column(default=list)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    delivery_status: Mapped[str | None] = mapped_column(String(16), default=None)
    delivery_error: Mapped[str | None] = mapped_column(Text, default=None)
    # While the outbox retries a failed attempt: when it tries next (kept by delivery.record_delivery).
    delivery_next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxItem(Base):
    """A durable promise to send one outbound interaction; survives restarts."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"), unique=True)
    channel: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # An agent sent it again: its maximum retry age counts from here instead of created_at.
    requeued_at: Mapped[datetime | None] = mapped_column(default=None)


class HistoryEntry(Base):
    """The customer's timeline: every contact and every ticket milestone, in order."""

    __tablename__ = "history"
    __table_args__ = (Index("ix_history_customer_time", "customer_id", "occurred_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(32), default=None)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id", ondelete="SET NULL"))
    summary: Mapped[str] = mapped_column(String(300), default="")


class AuditEntry(Base):
    __tablename__ = "audit_log"
    # The audit endpoint filters by record or by actor and pages newest first by id.
    __table_args__ = (
        Index("ix_audit_log_target", "target_kind", "target_id", "id"),
        Index("ix_audit_log_actor", "actor_kind", "actor_id", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(Integer, default=None)
    action: Mapped[str] = mapped_column(String(64))
    target_kind: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None] = mapped_column(Integer, default=None)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)  # None: until revoked


class ConsoleSession(Base):
    __tablename__ = "console_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


# Core handles for hot paths that write with plain INSERT/UPDATE instead of the ORM unit of work.
TICKETS = cast(Table, Ticket.__table__)
INTERACTIONS = cast(Table, Interaction.__table__)
HISTORY = cast(Table, HistoryEntry.__table__)
