"""Taking access back and changing accounts: API tokens, agents' activity, roles and passwords, each audited."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents import audit
from hub.agents.accounts import ROLES, AccountError, Principal, issue_token
from hub.clock import utcnow
from hub.db.engine import UnitOfWork
from hub.db.models import Agent, ApiToken, ConsoleSession
from hub.events import CredentialsRevoked

_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
MAX_EXPIRY = timedelta(days=3660)


class NotFound(AccountError):
    pass


def parse_expiry(text: str) -> timedelta:
    """'90d', '12h', '30m', '2w': how long a new token lasts."""
    found = re.fullmatch(r"\s*(\d{1,6})\s*([mhdw])\s*", text.lower())
    if found is None or int(found.group(1)) == 0:
        raise AccountError("expiry must be a number and a unit m, h, d or w (e.g. 90d), not '%(text)s'", text=text)
    span = int(found.group(1)) * _UNITS[found.group(2)]
    if span > MAX_EXPIRY:
        raise AccountError("expiry must be at most ten years")
    return span


def token_json(row: ApiToken) -> dict[str, Any]:
    def when(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    expired = row.expires_at is not None and row.expires_at <= utcnow()
    return {
        "id": row.id,
        "name": row.name,
        "role": row.role,
        "created_at": when(row.created_at),
        "last_used_at": when(row.last_used_at),
        "expires_at": when(row.expires_at),
        "revoked_at": when(row.revoked_at),
        "usable": row.revoked_at is None and not expired,
    }


async def create(
    uow: UnitOfWork, actor: Principal | None, *, role: str, name: str, expires_in: timedelta | None, via: str
) -> tuple[str, ApiToken]:
    token, row = await issue_token(uow.session, role=role, name=name, expires_in=expires_in)
    expires = row.expires_at.isoformat() if row.expires_at else None
    audit.record(
        uow.session, actor, "token.created", "api_token", row.id, via=via, role=role, name=name, expires_at=expires
    )
    return token, row


async def list_tokens(session: AsyncSession) -> list[ApiToken]:
    return list(await session.scalars(select(ApiToken).order_by(ApiToken.id)))


async def revoke_token(uow: UnitOfWork, actor: Principal | None, token_id: int, *, via: str) -> ApiToken:
    row = await uow.session.get(ApiToken, token_id)
    if row is None:
        raise NotFound("no API token %(token)s", token=token_id)
    if row.revoked_at is None:  # revoking twice keeps the first time
        row.revoked_at = utcnow()
        audit.record(uow.session, actor, "token.revoked", "api_token", row.id, via=via, name=row.name)
    uow.emit(CredentialsRevoked(token_id=row.id))
    return row


async def find_agent(uow: UnitOfWork, *, agent_id: int | None = None, email: str | None = None) -> Agent:
    if agent_id is not None:
        agent = await uow.session.get(Agent, agent_id)
    else:
        agent = await uow.session.scalar(select(Agent).where(Agent.email == (email or "").strip().lower()))
    if agent is None:
        raise NotFound("no agent %(agent)s", agent=agent_id if agent_id is not None else str(email))
    return agent


async def _end_sessions(uow: UnitOfWork, agent: Agent) -> None:
    """Signed out everywhere: sessions deleted, and every console socket of the agent closed (all processes)."""
    await uow.session.execute(delete(ConsoleSession).where(ConsoleSession.agent_id == agent.id))
    uow.emit(CredentialsRevoked(agent_id=agent.id))


async def set_active(uow: UnitOfWork, actor: Principal | None, agent: Agent, active: bool, *, via: str) -> None:
    """A deactivated agent cannot sign in, is signed out and offered no work; their tickets stay assigned."""
    if actor is not None and actor.agent_id == agent.id and not active:
        raise AccountError("an admin cannot deactivate themselves")
    if agent.active == active:
        return
    agent.active = active
    if not active:
        # Closing their sockets makes them away at once (no new offers); routing also skips inactive agents.
        await _end_sessions(uow, agent)
    action = "agent.reactivated" if active else "agent.deactivated"
    audit.record(uow.session, actor, action, "agent", agent.id, via=via)


async def set_role(uow: UnitOfWork, actor: Principal | None, agent: Agent, role: str, *, via: str) -> None:
    if role not in ROLES:
        raise AccountError("role must be one of %(choices)s", choices=", ".join(ROLES))
    if actor is not None and actor.agent_id == agent.id and role != agent.role:
        raise AccountError("an admin cannot change their own role")
    if agent.role == role:
        return
    before, agent.role = agent.role, role
    # Sessions stay (each request reads the role afresh), but open sockets joined rooms for the old role.
    uow.emit(CredentialsRevoked(agent_id=agent.id))
    audit.record(uow.session, actor, "agent.role_changed", "agent", agent.id, via=via, role=role, before=before)


async def set_password_hash(
    uow: UnitOfWork, actor: Principal | None, agent: Agent, password_hash: str, *, via: str, generated: bool
) -> None:
    """The hash is made beforehand, in the password worker pool: never inside a transaction or on the loop."""
    agent.password_hash = password_hash
    await _end_sessions(uow, agent)  # whoever knew the old password is signed out
    action = "agent.password_reset" if generated else "agent.password_set"
    audit.record(uow.session, actor, action, "agent", agent.id, via=via)


def generated_password() -> str:
    return secrets.token_urlsafe(12)
