"""Agents, roles, argon2 passwords, API tokens and console sessions: who is acting."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.clock import utcnow
from hub.db.models import Agent, ApiToken, ConsoleSession
from hub.wording import Worded

ROLES: tuple[str, ...] = ("agent", "supervisor", "knowledge_manager", "admin")
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so a wrong email costs as long as a wrong password.
    Made on first use (the server's warm-up makes it), not at import: argon2 costs every command 0.1 s."""
    return _hasher.hash("hub-dummy-password")


class AccountError(Worded, ValueError):
    """An account or token change refused; the template and its parameters let the admin page translate it."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Whoever makes a request: a logged-in agent or an API token."""

    kind: str  # "agent" or "token"
    id: int
    role: str
    name: str
    agent_id: int | None = None
    csrf_token: str | None = None
    locale: str | None = None  # the console language they chose (None: their browser's)

    def has_role(self, *roles: str) -> bool:
        return self.role == "admin" or self.role in roles


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise AccountError("a password needs at least 8 characters")
    return _hasher.hash(password)


async def create_agent(
    session: AsyncSession,
    *,
    email: str,
    display_name: str,
    role: str,
    password: str,
    languages: list[str] | None = None,
) -> Agent:
    if role not in ROLES:
        raise AccountError("role must be one of %(choices)s", choices=", ".join(ROLES))
    email = email.strip().lower()
    if "@" not in email:
        raise AccountError("not an email address: '%(email)s'", email=email)
    if await session.scalar(select(Agent.id).where(Agent.email == email)) is not None:
        raise AccountError("an agent with email %(email)s exists already", email=email)
    agent = Agent(
        email=email,
        display_name=display_name.strip() or email,
        role=role,
        password_hash=hash_password(password),
        languages=languages or [],
    )
    session.add(agent)
    await session.flush()
    return agent


def password_matches(stored_hash: str | None, password: str) -> bool:
    """CPU-bound (argon2, ~100-300 ms): run it in a worker thread, never on the event loop."""
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """The hash was made with weaker parameters than today's (cheap: reads the parameters only)."""
    return _hasher.check_needs_rehash(stored_hash)


async def active_agent(session: AsyncSession, email: str) -> Agent | None:
    return await session.scalar(select(Agent).where(Agent.email == email.strip().lower(), Agent.active))


async def create_token(session: AsyncSession, *, role: str, name: str) -> str:
    token, _ = await issue_token(session, role=role, name=name)
    return token


async def issue_token(
    session: AsyncSession, *, role: str, name: str, expires_in: timedelta | None = None
) -> tuple[str, ApiToken]:
    """A new token (shown once; only its digest is kept), valid until revoked or for `expires_in`."""
    if role not in ROLES:
        raise AccountError("role must be one of %(choices)s", choices=", ".join(ROLES))
    token = "hub_" + secrets.token_urlsafe(32)
    expires_at = utcnow() + expires_in if expires_in is not None else None
    row = ApiToken(name=name, token_hash=digest(token), role=role, expires_at=expires_at)
    session.add(row)
    await session.flush()
    return token, row


def token_usable() -> ColumnElement[bool]:
    """Neither revoked nor past its end date."""
    return ApiToken.revoked_at.is_(None) & (ApiToken.expires_at.is_(None) | (ApiToken.expires_at > utcnow()))


async def principal_for_token(session: AsyncSession, token: str) -> Principal | None:
    row = await session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token), token_usable()))
    if row is None:
        return None
    return Principal(kind="token", id=row.id, role=row.role, name=row.name)


async def create_session(session: AsyncSession, agent: Agent, max_age: timedelta) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires = utcnow() + max_age
    session.add(
        ConsoleSession(
            token_hash=digest(token), agent_id=agent.id, csrf_token=secrets.token_urlsafe(24), expires_at=expires
        )
    )
    await session.flush()
    return token, expires


async def principal_for_session(session: AsyncSession, token: str) -> Principal | None:
    row = (
        await session.execute(
            select(ConsoleSession, Agent)
            .join(Agent, Agent.id == ConsoleSession.agent_id)
            .where(ConsoleSession.token_hash == digest(token), Agent.active)
        )
    ).first()
    if row is None:
        return None
    sess, agent = row
    if sess.expires_at <= utcnow():
        return None
    return Principal(
        kind="agent",
        id=agent.id,
        role=agent.role,
        name=agent.display_name,
        agent_id=agent.id,
        csrf_token=sess.csrf_token,
        locale=agent.locale,
    )


async def end_session(session: AsyncSession, token: str) -> str:
    """Delete the session; returns its digest (its sockets are known by it)."""
    hashed = digest(token)
    row = await session.scalar(select(ConsoleSession).where(ConsoleSession.token_hash == hashed))
    if row is not None:
        await session.delete(row)
    return hashed
