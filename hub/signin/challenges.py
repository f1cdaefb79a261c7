"""A sign-in halfway: the password was right, the second step (a code, or enrolling one) is still to come."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.clock import utcnow
from hub.signin.tables import SigninChallenge

CHALLENGE_COOKIE = "hub_signin"
TTL = timedelta(minutes=10)
MAX_TRIES = 5  # codes typed for one challenge; then the password is asked again (and throttled)


@dataclass(frozen=True, slots=True)
class Pending:
    agent_id: int
    purpose: str  # "code" or "enrol"
    secret: str | None
    next_path: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_challenge(
    session: AsyncSession, agent_id: int, purpose: str, next_path: str, secret: str | None = None
) -> str:
    token = secrets.token_urlsafe(32)
    await session.execute(delete(SigninChallenge).where(SigninChallenge.expires_at < utcnow()))
    session.add(
        SigninChallenge(
            token_hash=_digest(token),
            agent_id=agent_id,
            purpose=purpose,
            secret=secret,
            next_path=next_path,
            failures=0,
            expires_at=utcnow() + TTL,
        )
    )
    await session.flush()
    return token


async def pending(session: AsyncSession, token: str | None) -> Pending | None:
    if not token:
        return None
    row = await session.scalar(
        select(SigninChallenge).where(
            SigninChallenge.token_hash == _digest(token),
            SigninChallenge.expires_at > utcnow(),
            SigninChallenge.failures < MAX_TRIES,
        )
    )
    return None if row is None else Pending(row.agent_id, row.purpose, row.secret, row.next_path)


async def spend_try(session: AsyncSession, token: str | None) -> Pending | None:
    """Count one code against the challenge before it is checked (one conditional statement), or None."""
    if not token:
        return None
    row = (
        await session.execute(
            update(SigninChallenge)
            .where(
                SigninChallenge.token_hash == _digest(token),
                SigninChallenge.expires_at > utcnow(),
                SigninChallenge.failures < MAX_TRIES,
            )
            .values(failures=SigninChallenge.failures + 1)
            .returning(
                SigninChallenge.agent_id, SigninChallenge.purpose, SigninChallenge.secret, SigninChallenge.next_path
            )
        )
    ).first()
    return None if row is None else Pending(row[0], row[1], row[2], row[3])


async def close(session: AsyncSession, token: str) -> None:
    await session.execute(delete(SigninChallenge).where(SigninChallenge.token_hash == _digest(token)))
