"""Tables of the customer domain beyond the core ones: merges (to undo them) and duplicate-search keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.clock import utcnow
from hub.db.base import Base


class CustomerMerge(Base):
    """One merge, with every row it moved and what it overwrote, so unmerge restores the earlier state."""

    __tablename__ = "customer_merges"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    moved: Mapped[dict[str, Any]] = mapped_column(default=dict)  # table -> row ids
    source_before: Mapped[dict[str, Any]] = mapped_column(default=dict)  # name, tier, attributes
    target_before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actor: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(default=None)


class CustomerKey(Base):
    """Blocking keys for duplicate suggestions: customers sharing a key are compared, nobody else."""

    __tablename__ = "customer_keys"
    __table_args__ = (Index("ix_customer_keys_key", "key"),)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    weight: Mapped[int] = mapped_column(Integer, default=1)


class Survey(Base):
    """A satisfaction survey sent when a ticket was solved, and its answer (1-5) by link or by reply."""

    __tablename__ = "surveys"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(32))
    # Who and what it rates, as at the time of solving: the agent, the customer's tier, the skills needed.
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"), default=None)
    tier: Mapped[str] = mapped_column(String(20), default="general")
    skills: Mapped[list[Any]] = mapped_column(default=list)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    rating: Mapped[int | None] = mapped_column(Integer, default=None)
    comment: Mapped[str | None] = mapped_column(String(2000), default=None)
    answered_via: Mapped[str | None] = mapped_column(String(16), default=None)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
