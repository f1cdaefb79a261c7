"""Sign-in tables: failure counters per account and per address, second factors, recovery codes, pending steps."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.clock import utcnow
from hub.db.base import Base


class SigninCounter(Base):
    """Failed sign-ins for one key ("account:<email>" or "address:<ip>"), shared by every hub process.

    Times are epoch seconds so one conditional upsert can compute the next allowed attempt on SQLite and
    PostgreSQL alike (portable arithmetic, no dialect date functions)."""

    __tablename__ = "signin_counters"
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[float] = mapped_column(Float, default=0.0)  # the last counted attempt
    next_at: Mapped[float] = mapped_column(Float, default=0.0)  # no attempt is counted (tried) before this


class SecondFactor(Base):
    """An agent's TOTP secret; confirmed_at stays empty until they typed a code from their app."""

    __tablename__ = "agent_second_factors"
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    last_step: Mapped[int] = mapped_column(Integer, default=0)  # the last time step used: a code works once
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)


class RecoveryCode(Base):
    """One recovery code, as a SHA-256 digest (the codes are random, 50 bits: no slow hash needed)."""

    __tablename__ = "agent_recovery_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class SigninChallenge(Base):
    """A password that was right, waiting for its second step: a code ("code") or enrolment ("enrol")."""

    __tablename__ = "signin_challenges"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    secret: Mapped[str | None] = mapped_column(String(64), default=None)  # the secret being enrolled
    next_path: Mapped[str] = mapped_column(String(2000), default="")
    failures: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column()
