"""Two-factor sign-in: TOTP secrets (pyotp), each code usable once, recovery codes shown once and stored hashed."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

import pyotp
from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents import audit
from hub.agents.accounts import AccountError
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Agent
from hub.signin.tables import RecoveryCode, SecondFactor, SigninChallenge

ISSUER = "hub"
RECOVERY_CODES = 10
STEP_S = 30
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper and typed back
_CODE = re.compile(r"\d{6}")


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// URI authenticator apps read (as a QR code, or typed in)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def _normalized(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code this is (now, or one step either side for clocks that drift), else None."""
    code = _normalized(code)
    if not _CODE.fullmatch(code):
        return None
    current = int((time.time() if now is None else now) // STEP_S)
    totp = pyotp.TOTP(secret)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.at(step * STEP_S), code):
            return step
    return None


def _digest(code: str) -> str:
    return hashlib.sha256(_normalized(code).encode()).hexdigest()


def new_recovery_codes() -> list[str]:
    return [
        "-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(2)) for _ in range(RECOVERY_CODES)
    ]


async def enrolled(session: AsyncSession, agent_id: int) -> bool:
    found = await session.scalar(
        select(SecondFactor.agent_id).where(SecondFactor.agent_id == agent_id, SecondFactor.confirmed_at.is_not(None))
    )
    return found is not None


async def enrol(session: AsyncSession, agent_id: int, secret: str, code: str) -> list[str] | None:
    """Keep `secret` once a code from it proves the app has it; new recovery codes (to show once), else None."""
    step = matching_step(secret, code)
    if step is None:
        return None
    await remove(session, agent_id, keep_challenges=True)
    session.add(SecondFactor(agent_id=agent_id, secret=secret, last_step=step, confirmed_at=utcnow()))
    codes = new_recovery_codes()
    session.add_all(RecoveryCode(agent_id=agent_id, code_hash=_digest(c)) for c in codes)
    await session.flush()
    return codes


async def use(session: AsyncSession, agent_id: int, code: str) -> bool:
    """An authenticator code not used before, or an unused recovery code (then spent)."""
    secret = await session.scalar(
        select(SecondFactor.secret).where(SecondFactor.agent_id == agent_id, SecondFactor.confirmed_at.is_not(None))
    )
    if secret is None:
        return False
    step = matching_step(secret, code)
    if step is not None:
        # Conditional: the same code (or an older one) replayed, even at the same moment, changes no row.
        spent = await session.execute(
            update(SecondFactor)
            .where(SecondFactor.agent_id == agent_id, SecondFactor.last_step < step)
            .values(last_step=step)
        )
        return _one(spent)
    spent = await session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.agent_id == agent_id, RecoveryCode.code_hash == _digest(code), RecoveryCode.used_at.is_(None)
        )
        .values(used_at=utcnow())
    )
    return _one(spent)


def _one(result: object) -> bool:
    return isinstance(result, CursorResult) and result.rowcount == 1


async def recovery_codes_left(session: AsyncSession, agent_id: int) -> int:
    rows = await session.scalars(
        select(RecoveryCode.id).where(RecoveryCode.agent_id == agent_id, RecoveryCode.used_at.is_(None))
    )
    return len(rows.all())


async def remove(session: AsyncSession, agent_id: int, *, keep_challenges: bool = False) -> None:
    """No second factor any more (disabled, or reset by an admin): secret, recovery codes, pending steps."""
    await session.execute(delete(RecoveryCode).where(RecoveryCode.agent_id == agent_id))
    await session.execute(delete(SecondFactor).where(SecondFactor.agent_id == agent_id))
    if not keep_challenges:
        await session.execute(delete(SigninChallenge).where(SigninChallenge.agent_id == agent_id))


async def reset_by_email(db: Database, email: str) -> str:
    """`hub agent 2fa reset`: for an agent who lost their phone and codes (an admin's decision, audited)."""
    async with db.write() as uow:
        agent = await uow.session.scalar(select(Agent).where(Agent.email == email.strip().lower()))
        if agent is None:
            raise AccountError("no agent with email %(email)s", email=email)
        had = await enrolled(uow.session, agent.id)
        await remove(uow.session, agent.id)
        audit.record(uow.session, None, "agent.two_factor_reset", "agent", agent.id, via="cli")
    if not had:
        return f"agent {agent.email} had no second factor; nothing to reset"
    return f"two-factor sign-in of {agent.email} reset: they sign in with their password (and enrol again if required)"
