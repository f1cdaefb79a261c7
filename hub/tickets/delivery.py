"""The one outbound path: outbox rows -> channel.send() -> receipts -> interaction status, retried until the
channel's maximum age; claimed in batches, so several processes drain one outbox side by side."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from hub.background import cancel
from hub.clock import utcnow
from hub.db.engine import Database
from hub.envelopes import DeliveryReceipt, OutboundMessage
from hub.tickets import delivery_claims
from hub.tickets.delivery_ages import DeliveryAges
from hub.tickets.delivery_claims import Claim
from hub.tickets.delivery_jobs import Job, prepare
from hub.tickets.delivery_results import record
from hub.tickets.delivery_states import RANK, WAITING, moves_forward, record_delivery
from hub.wording import Wording

if TYPE_CHECKING:  # the channels sit above the domain: the app hands their registry over
    from hub.channels.base import Channel
    from hub.channels.registry import ChannelRegistry

__all__ = ["RANK", "WAITING", "DeliveryWorker", "moves_forward", "record_delivery"]

log = logging.getLogger(__name__)
# A claimed row is leased for this long, renewed while its send is under way; if the process dies the
# lease runs out and the row becomes due again for any process.
LEASE = timedelta(minutes=5)
# Rows claimed per statement, and sends of a batch under way at once (a provider sees at most this many
# concurrent requests from one process).
BATCH = 200
SENDS = 100
# Replies waiting to go out past which new ones are refused for a moment (a provider is down or slow):
# the outbox is durable, but an unbounded one only delays every answer further.
MAX_BACKLOG = 10_000


class DeliveryWorker:
    def __init__(
        self,
        db: Database,
        channels: ChannelRegistry,
        ages: DeliveryAges | None = None,
        max_attempts: int | None = None,
        *,
        batch: int = BATCH,
        sends: int = SENDS,
        lease: timedelta = LEASE,
    ) -> None:
        self._db = db
        self._channels = channels
        self._ages = ages or DeliveryAges()
        self._max_attempts = max_attempts  # an extra cap on tries (HUB_OUTBOX_MAX_ATTEMPTS), None: age only
        self._batch, self._sends, self._lease = batch, sends, lease
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._in_flight: dict[int, int] = {}  # claimed by this process and not recorded yet: id -> attempts
        self.backlog = 0  # replies pending or being sent, as of the last pass
        self.max_backlog = MAX_BACKLOG

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="hub-delivery")

    async def stop(self) -> None:
        await cancel(self._task)
        await self.hand_back()

    async def hand_back(self) -> int:
        """A stopping process gives back what it claimed but did not finish: due again at once, for any
        process, instead of after the lease. (A send that did happen is sent again: providers dedupe on
        our ids where they can, and a duplicate reply is better than a lost one.)"""
        if not self._in_flight:
            return 0
        held, self._in_flight = list(self._in_flight.items()), {}
        async with self._db.write() as uow:
            return await delivery_claims.release(uow.session, held, utcnow())

    @property
    def backed_up(self) -> bool:
        return self.backlog >= self.max_backlog

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _run(self) -> None:
        while True:
            try:
                await self.process_due()
            except Exception:
                log.exception("delivery pass failed; retrying shortly")
            # Woken at once by a new reply; otherwise poll for retries that have come due.
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can turn a stop's cancellation into
            # a TimeoutError when both happen at once, and the worker would never stop.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(1.0):
                    await self._wake.wait()
            self._wake.clear()

    async def process_due(self) -> int:
        """Sends what is due, batch after batch until a batch comes back short; returns how many were recorded."""
        done = 0
        while True:
            async with self._db.write() as uow:
                claims = await delivery_claims.claim(uow.session, utcnow(), self._lease, self._batch)
            if not claims:
                break
            self._in_flight.update((c.id, c.attempts) for c in claims)
            try:
                recorded = await self._deliver(claims)
            except asyncio.CancelledError:
                raise  # stopping: stays in flight, for stop() to hand back
            except BaseException:
                self._forget(claims)  # left to its lease: the error may recur on any process
                raise
            self._forget(claims)
            done += recorded
            if len(claims) < self._batch:
                break
        async with self._db.read() as s:
            self.backlog = await delivery_claims.backlog(s)  # what is left for this and other processes
        return done

    def _forget(self, claims: Sequence[Claim]) -> None:
        for c in claims:
            self._in_flight.pop(c.id, None)

    async def _deliver(self, claims: Sequence[Claim]) -> int:
        async with self._db.read() as s:
            jobs = await prepare(s, claims, self._channels)
            # Kept current through a long pass (new replies are refused while it is too high).
            self.backlog = await delivery_claims.backlog(s)
        # Sent with no database connection held: a slow provider must not pin the pool.
        limit = asyncio.Semaphore(self._sends)
        async with self._renewing(claims):
            receipts = await asyncio.gather(*(self._outcome(job, limit) for job in jobs))
        async with self._db.write() as uow:
            return await record(uow, list(zip(jobs, receipts, strict=True)), self._ages, self._max_attempts, utcnow())

    @contextlib.asynccontextmanager
    async def _renewing(self, claims: Sequence[Claim]) -> AsyncIterator[None]:
        """Keeps the batch's lease alive while its sends are under way, however slow the provider."""

        async def renew() -> None:
            held = [(c.id, c.attempts) for c in claims]
            while True:
                await asyncio.sleep(self._lease.total_seconds() / 3)
                try:
                    async with self._db.write() as uow:
                        await delivery_claims.renew(uow.session, held, utcnow() + self._lease)
                except Exception:
                    log.exception("renewing the outbox lease failed; trying again")

        task = asyncio.create_task(renew(), name="hub-delivery-lease")
        try:
            yield
        finally:
            await cancel(task)

    async def _outcome(self, job: Job, limit: asyncio.Semaphore) -> DeliveryReceipt:
        if isinstance(job.outcome, DeliveryReceipt):
            return job.outcome
        channel, msg = job.outcome
        async with limit:
            return await self._send(channel, msg)

    @staticmethod
    async def _send(channel: Channel, msg: OutboundMessage) -> DeliveryReceipt:
        try:
            return await channel.send(msg)
        except Exception as exc:  # a channel bug must not wedge the outbox
            log.exception("channel %s raised while sending", msg.channel)
            return DeliveryReceipt(
                "failed",
                error=f"{type(exc).__name__}: {exc}",
                retryable=True,
                problem=Wording("sending failed unexpectedly; the hub tries again"),
            )
