"""Sign-in throttling in the database: failures per account and per address, counted before the password is tried.

Each attempt is counted by one conditional upsert per key (shared by every hub process, atomic on SQLite
and PostgreSQL): it only counts, and so only lets the attempt go ahead, when the key's next allowed time
has come. Concurrent attempts therefore cannot all slip past a check made before any of them counted.
A right password takes its count back. Times are epoch seconds (portable arithmetic in SQL).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, case, delete, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.engine import Database
from hub.db.upserts import insert_for
from hub.signin.tables import SigninCounter

COUNTERS = cast(Table, SigninCounter.__table__)
WINDOW_S = 15 * 60  # failures are forgotten this long after the last one (once no delay is pending)


@dataclass(frozen=True, slots=True)
class Policy:
    """`free` failures without delay; then base_s, doubling per further failure, up to max_s."""

    prefix: str
    free: int
    base_s: float
    max_s: float

    def delay(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return float(min(self.base_s * 2 ** (failures - self.free), self.max_s))

    def delay_sql(self, failures: ColumnElement[Any]) -> ColumnElement[Any]:
        """The same delay as a CASE over the few counts before the cap (no pow() in SQLite)."""
        steps: list[tuple[ColumnElement[bool], float]] = [(failures < self.free, 0.0)]
        n = self.free
        while self.delay(n) < self.max_s:
            steps.append((failures == n, self.delay(n)))
            n += 1
        return case(*steps, else_=self.max_s)


ACCOUNT = Policy("account", free=5, base_s=30, max_s=WINDOW_S)  # guessing one agent's password
ADDRESS = Policy("address", free=20, base_s=10, max_s=300)  # trying many agents from one place: slowed, not shut


@dataclass(frozen=True, slots=True)
class Attempt:
    """A counted attempt (allowed) or a refusal with the seconds to wait."""

    allowed: bool
    retry_after: int = 0
    clean_address: bool = False  # the address had no failure counted: the account's delay does not apply


def account_key(email: str) -> str:
    # A digest: the table then holds no e-mail addresses, and any typed text fits the key column.
    return "account:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def address_key(address: str) -> str:
    return "address:" + address[:300]


class LoginThrottle:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

    async def attempt(self, email: str, address: str) -> Attempt:
        """Count an attempt for the address and the account, or refuse it without counting."""
        now = self._clock()
        akey, ekey = address_key(address), account_key(email)
        async with self._db.write() as uow:
            s = uow.session
            by_address = await self._count(s, akey, ADDRESS, now, bypass=False)
            if by_address is None:
                return Attempt(False, await self._wait(s, akey, now))
            clean = by_address == 1
            # Someone guessing this account elsewhere must not lock out its owner at a clean address.
            if await self._count(s, ekey, ACCOUNT, now, bypass=clean) is None:
                await self._uncount(s, akey, ADDRESS)
                return Attempt(False, await self._wait(s, ekey, now))
        return Attempt(True, clean_address=clean)

    async def address_failing(self, address: str) -> bool:
        """Whether the address has failures on record (a read, a hint only: attempt() decides atomically)."""
        now = self._clock()
        async with self._db.read() as s:
            row = (
                await s.execute(
                    select(SigninCounter.failures, SigninCounter.last_at).where(
                        SigninCounter.key == address_key(address)
                    )
                )
            ).first()
        return row is not None and row[0] > 0 and row[1] >= now - WINDOW_S

    async def succeeded(self, email: str, address: str) -> None:
        """The password was right: the account starts afresh and the address's count is taken back."""
        async with self._db.write() as uow:
            await uow.session.execute(delete(SigninCounter).where(SigninCounter.key == account_key(email)))
            await self._uncount(uow.session, address_key(address), ADDRESS)
            horizon = self._clock() - WINDOW_S  # forgotten counters, swept now and then (sign-ins are rare)
            await uow.session.execute(
                delete(SigninCounter).where(SigninCounter.last_at < horizon, SigninCounter.next_at < self._clock())
            )

    async def not_tried(self, email: str, address: str) -> None:
        """A counted attempt that was not made after all (no free password check): both counts back."""
        async with self._db.write() as uow:
            await self._uncount(uow.session, account_key(email), ACCOUNT)
            await self._uncount(uow.session, address_key(address), ADDRESS)

    async def _count(self, s: AsyncSession, key: str, policy: Policy, now: float, *, bypass: bool) -> int | None:
        """One statement: count the attempt if the key allows one now; the new count, or None when refused."""
        forgotten = COUNTERS.c.last_at < now - WINDOW_S
        failures = case((forgotten, 1), else_=COUNTERS.c.failures + 1)
        insert = insert_for(self._db.is_sqlite)
        allowed = literal(True) if bypass else or_(COUNTERS.c.next_at <= now, forgotten)
        stmt = (
            insert(COUNTERS)
            .values(key=key, failures=1, last_at=now, next_at=now + policy.delay(1))
            .on_conflict_do_update(
                index_elements=[COUNTERS.c.key],
                set_={"failures": failures, "last_at": now, "next_at": now + policy.delay_sql(failures)},
                where=allowed,
            )
            .returning(COUNTERS.c.failures)
        )
        return cast(int | None, await s.scalar(stmt))

    async def _uncount(self, s: AsyncSession, key: str, policy: Policy) -> None:
        failures = COUNTERS.c.failures - 1
        await s.execute(
            update(SigninCounter)
            .where(SigninCounter.key == key, SigninCounter.failures > 0)
            .values(failures=failures, next_at=COUNTERS.c.last_at + policy.delay_sql(failures))
        )

    async def _wait(self, s: AsyncSession, key: str, now: float) -> int:
        next_at = await s.scalar(select(SigninCounter.next_at).where(SigninCounter.key == key))
        return max(1, int((next_at or now) - now) + 1)
