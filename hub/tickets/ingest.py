"""The one inbound path: envelope -> dedup -> identity -> thread -> interaction -> commit -> events.

Contacts are written in batches (group commit): while one transaction is being written, new arrivals
queue up and the next transaction stores all of them, so under load the per-contact cost of a
transaction is shared. If any contact spoils a batch, the batch is retried one transaction per contact,
so one bad envelope can never cost another customer their message.
One batch is written at a time on PostgreSQL too: parallel batches each hold several customers' row
locks until commit, block one another and can deadlock (measured: 209 -> 100 messages/s). On SQLite a
second batch is written while the first one's commit is being synced to disk (the write lock is free then).
A caller may take its answer once its contact is durably committed (after_events=False: a provider's
webhook), before the console, suggestions and statistics have heard of it; events still go out in order.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from hub.bus import Event
from hub.db.engine import Database, UnitOfWork
from hub.envelopes import InboundEnvelope, storable_text
from hub.tickets import search
from hub.tickets.inbound import ContactWriter, IngestResult, SlaPolicy
from hub.tickets.inbound_batch import BatchWriter

if TYPE_CHECKING:  # settings sit above the domain: they are handed over
    from hub.settings import Settings

__all__ = ["IngestResult", "Ingestor", "external_key"]
log = logging.getLogger(__name__)
RETRIES = 3
MAX_BATCH = 64
Written = tuple[list[IngestResult], list[Event]]


def external_key(external_id: str) -> str:
    """A provider id we can index: cleaned, and hashed when longer than the column (Message-IDs can be)."""
    key = storable_text(external_id).strip()
    if not key:
        raise ValueError("an inbound envelope needs an external id for deduplication")
    if len(key) > 255:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


@dataclass(slots=True)
class _Contact:
    env: InboundEnvelope
    stored: asyncio.Future[IngestResult]  # committed, durably
    published: asyncio.Future[None]  # and its events handed to their subscribers (never an exception)
    long_text: str | None = None  # a long text as it is stored, its search words prepared meanwhile
    words: asyncio.Future[None] | None = None  # (search.prepare_words)


class Ingestor:
    def __init__(self, db: Database, settings: Settings, sla: SlaPolicy | None = None) -> None:
        self._db = db
        self._writer = ContactWriter(settings, sla)
        self._batch = BatchWriter(self._writer)
        self._waiting: list[_Contact] = []
        self._drainer: asyncio.Task[None] | None = None
        self._parallel = 2 if db.is_sqlite else 1
        self._last_out: asyncio.Future[None] | None = None  # the previous batch's events are out

    async def ingest(self, env: InboundEnvelope, *, after_events: bool = True) -> IngestResult:
        """Store the contact; returns once it is committed and, unless after_events is false, once its events
        are published."""
        loop = asyncio.get_running_loop()
        key = external_key(env.external_id)
        # Copied only when the key differs: a dataclass copy costs as much as the rest of this call.
        env = env if key == env.external_id else replace(env, external_id=key)
        contact = _Contact(env, loop.create_future(), loop.create_future())
        if len(env.text) >= search.LONG_TEXT:  # its search words cut in a thread meanwhile, not in the write
            contact.long_text = storable_text(env.text)
            contact.words = asyncio.ensure_future(search.prepare_words(contact.long_text))
        self._waiting.append(contact)
        if self._drainer is None:
            self._drainer = asyncio.create_task(self._drain(), name="hub-ingest")
        # Awaited as it is, no shield: a shield's wake-up takes two turns of the loop, so the batch's subscribers
        # (which follow one yield) would run before this caller sends its acknowledgement. A caller that gives up
        # (a dropped socket) cancels only this future: its contact is in the batch and is written all the same.
        result = await contact.stored
        if after_events:
            await asyncio.shield(contact.published)
        return result

    async def _drain(self) -> None:
        running: set[asyncio.Task[None]] = set()
        try:
            while self._waiting or running:
                while self._waiting and len(running) < self._parallel:
                    batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
                    before, self._last_out = self._last_out, asyncio.get_running_loop().create_future()
                    running.add(asyncio.create_task(self._store_batch(batch, before, self._last_out)))
                _, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._drainer = None

    async def _store_batch(
        self, batch: list[_Contact], before: asyncio.Future[None] | None, out: asyncio.Future[None]
    ) -> None:
        try:
            # Without them the write would cut them itself, on the loop and inside the transaction.
            await asyncio.gather(*(c.words for c in batch if c.words is not None), return_exceptions=True)
            events = await self._store(batch)
            # The callers waiting for their contacts' commit (each with its acknowledgement to send) run first:
            # the subscribers below may take milliseconds for a batch and never yield by themselves.
            await asyncio.sleep(0)
            if before is not None:
                await before  # events in the order their contacts were taken
            for event in events:
                await self._db.bus.publish(event)
        finally:
            out.set_result(None)
            for contact in batch:
                if contact.long_text is not None:  # written or not, its prepared words are no longer needed
                    search.drop_prepared(contact.long_text)
                if not contact.stored.done():
                    contact.stored.cancel()  # only when the hub stops mid-write
                if not contact.published.done():
                    contact.published.set_result(None)

    async def _store(self, batch: list[_Contact]) -> list[Event]:
        if len(batch) > 1:
            try:
                results, events = await self._write([c.env for c in batch])
            except Exception:
                log.info("a batch of %d contacts failed; storing them one by one", len(batch), exc_info=True)
            else:
                for contact, result in zip(batch, results, strict=True):
                    _settle(contact.stored, result)
                return events
        gathered: list[Event] = []
        for contact in batch:
            try:
                result, events = await self._store_one(contact.env)
            except Exception as exc:
                if not contact.stored.done():
                    contact.stored.set_exception(exc)
            else:
                _settle(contact.stored, result)
                gathered += events
        return gathered

    async def _write(self, envs: list[InboundEnvelope]) -> Written:
        async with self._db.write() as uow:
            results = await self._batch.store_many(uow, envs)
            # The events leave the unit of work so that the write returns before they are published (the
            # database would publish them itself); the hooks that write rows for them still run here, in the
            # transaction, as Database.write runs them for its own events.
            events, uow.events = uow.events, []
            if events:
                staged = UnitOfWork(uow.session, events)
                for hook in self._db.before_commit:
                    await hook(staged)
        return results, events

    async def _store_one(self, env: InboundEnvelope) -> tuple[IngestResult, list[Event]]:
        for attempt in range(1, RETRIES + 1):
            try:
                results, events = await self._write([env])
                return results[0], events
            except IntegrityError:
                # A concurrent writer got there first: the same message (dedup finds it on retry) or the
                # same new customer's identity (resolved on retry). Retrying never drops the contact.
                if attempt == RETRIES:
                    raise
                log.info("ingest conflict for %s/%s, retrying", env.channel, env.external_id)
                async with self._db.read() as session:
                    existing = await self._writer.find_duplicate(session, env)
                if existing is not None:
                    return existing, []
        raise AssertionError("unreachable")


def _settle(future: asyncio.Future[IngestResult], result: IngestResult) -> None:
    if not future.done():
        future.set_result(result)
