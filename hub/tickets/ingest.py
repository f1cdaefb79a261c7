"""The one inbound path: envelope -> dedup -> identity -> thread -> interaction -> commit -> events.

Contacts are written in batches (group commit): while one transaction is being written, new arrivals
queue up and the next transaction stores all of them, so under load the per-contact cost of a
transaction is shared. If any contact spoils a batch, the batch is retried one transaction per contact,
so one bad envelope can never cost another customer their message.
One batch is written at a time on PostgreSQL too: parallel batches each hold several customers' row
locks until commit, block one another and can deadlock (measured: 209 -> 100 messages/s).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from hub.db.engine import Database
from hub.envelopes import InboundEnvelope, storable_text
from hub.tickets.inbound import ContactWriter, IngestResult, SlaPolicy
from hub.tickets.inbound_batch import BatchWriter

if TYPE_CHECKING:  # settings sit above the domain: they are handed over
    from hub.settings import Settings

__all__ = ["IngestResult", "Ingestor", "external_key"]
log = logging.getLogger(__name__)
RETRIES = 3
MAX_BATCH = 64


def external_key(external_id: str) -> str:
    """A provider id we can index: cleaned, and hashed when longer than the column (Message-IDs can be)."""
    key = storable_text(external_id).strip()
    if not key:
        raise ValueError("an inbound envelope needs an external id for deduplication")
    if len(key) > 255:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


class Ingestor:
    def __init__(self, db: Database, settings: Settings, sla: SlaPolicy | None = None) -> None:
        self._db = db
        self._writer = ContactWriter(settings, sla)
        self._batch = BatchWriter(self._writer)
        self._waiting: list[tuple[InboundEnvelope, asyncio.Future[IngestResult]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def ingest(self, env: InboundEnvelope) -> IngestResult:
        """Store the contact; returns once it is committed and its events are published."""
        env = replace(env, external_id=external_key(env.external_id))
        future: asyncio.Future[IngestResult] = asyncio.get_running_loop().create_future()
        self._waiting.append((env, future))
        if self._drainer is None:
            self._drainer = asyncio.create_task(self._drain(), name="hub-ingest")
        # shield: a caller that gives up (a dropped socket) must not cancel the write of its contact.
        return await asyncio.shield(future)

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
                await self._store_batch(batch)
        finally:
            self._drainer = None

    async def _store_batch(self, batch: list[tuple[InboundEnvelope, asyncio.Future[IngestResult]]]) -> None:
        if len(batch) > 1:
            try:
                async with self._db.write() as uow:
                    results = await self._batch.store_many(uow, [env for env, _ in batch])
            except Exception:
                log.info("a batch of %d contacts failed; storing them one by one", len(batch), exc_info=True)
            else:
                for (_, future), result in zip(batch, results, strict=True):
                    _settle(future, result)
                return
        for env, future in batch:
            try:
                _settle(future, await self._store_one(env))
            except Exception as exc:
                if not future.done():
                    future.set_exception(exc)

    async def _store_one(self, env: InboundEnvelope) -> IngestResult:
        for attempt in range(1, RETRIES + 1):
            try:
                async with self._db.write() as uow:
                    return (await self._batch.store_many(uow, [env]))[0]
            except IntegrityError:
                # A concurrent writer got there first: the same message (dedup finds it on retry) or the
                # same new customer's identity (resolved on retry). Retrying never drops the contact.
                if attempt == RETRIES:
                    raise
                log.info("ingest conflict for %s/%s, retrying", env.channel, env.external_id)
                async with self._db.read() as session:
                    existing = await self._writer.find_duplicate(session, env)
                if existing is not None:
                    return existing
        raise AssertionError("unreachable")


def _settle(future: asyncio.Future[IngestResult], result: IngestResult) -> None:
    if not future.done():
        future.set_result(result)
