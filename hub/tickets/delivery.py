"""The one outbound path: outbox row -> channel.send() -> receipt -> interaction status, retried until the
channel's maximum age."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update

from hub.background import cancel
from hub.clock import utcnow
from hub.db.engine import Database, UnitOfWork
from hub.db.models import Identity, Interaction, OutboxItem, Queue, Ticket
from hub.envelopes import Attachment, DeliveryReceipt, IdentityRef, OutboundMessage
from hub.events import DeliveryUpdated
from hub.tickets.delivery_ages import DeliveryAges, next_try

if TYPE_CHECKING:  # the channels sit above the domain: the app hands their registry over
    from hub.channels.base import Channel
    from hub.channels.registry import ChannelRegistry

log = logging.getLogger(__name__)
# A claimed row is leased for this long; if the process dies mid-send the row becomes due again.
LEASE = timedelta(minutes=5)
BATCH = 50
# Replies waiting to go out past which new ones are refused for a moment (a provider is down or slow):
# the outbox is durable, but an unbounded one only delays every answer further.
MAX_BACKLOG = 10_000


# Delivery states in the order they happen; delivered and failed are both final (only an agent's
# "send again" re-queues a failed reply).
RANK: dict[str | None, int] = {None: 0, "queued": 0, "retrying": 0, "sent": 1, "delivered": 2, "failed": 2}
WAITING = (None, "queued", "retrying")


def moves_forward(current: str | None, new: str) -> bool:
    return RANK.get(new, 0) > RANK.get(current, 0)


async def record_delivery(
    uow: UnitOfWork,
    interaction: Interaction,
    status: str,
    error: str | None = None,
    *,
    queue: str | None = None,
    next_attempt_at: datetime | None = None,
    requeue: bool = False,
) -> bool:
    """The one delivery state machine, for the outbox's receipts, providers' callbacks, mailed delivery
    reports and agents alike: queued -> (retrying ->) sent -> delivered | failed, never backwards (a "sent"
    arriving after a bounce changes nothing). A failed try that will be tried again is "retrying" with its
    reason and next_attempt_at; requeue (an agent's "send again") takes a retrying or failed reply back to
    queued. Emits message.delivery_updated when something changed; returns whether it did."""
    current = interaction.delivery_status
    if requeue:
        allowed = status == "queued" and current in ("queued", "retrying", "failed")
    else:
        allowed = moves_forward(current, status) or (status == "retrying" and current in WAITING)
    if not allowed:
        return False
    interaction.delivery_status = status
    interaction.delivery_error = error if status in ("failed", "retrying") else None
    interaction.delivery_next_attempt_at = next_attempt_at if status == "retrying" else None
    if queue is None:
        queue = await uow.session.scalar(
            select(Queue.name).join(Ticket, Ticket.queue_id == Queue.id).where(Ticket.id == interaction.ticket_id)
        )
    uow.emit(
        DeliveryUpdated(
            interaction.ticket_id,
            queue or "",
            interaction.id,
            status,
            interaction.delivery_error,
            interaction.delivery_next_attempt_at,
        )
    )
    return True


@dataclass(frozen=True, slots=True)
class _Prepared:
    interaction_id: int
    ticket_id: int
    queue: str
    attempts: int
    outcome: DeliveryReceipt | tuple[Channel, OutboundMessage]


class DeliveryWorker:
    def __init__(
        self,
        db: Database,
        channels: ChannelRegistry,
        ages: DeliveryAges | None = None,
        max_attempts: int | None = None,
    ) -> None:
        self._db = db
        self._channels = channels
        self._ages = ages or DeliveryAges()
        self._max_attempts = max_attempts  # an extra cap on tries (HUB_OUTBOX_MAX_ATTEMPTS), None: age only
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._in_flight: set[int] = set()  # claimed by this process and not recorded yet
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
        ids, self._in_flight = list(self._in_flight), set()
        async with self._db.write() as uow:
            result = await uow.session.execute(
                update(OutboxItem)
                .where(OutboxItem.id.in_(ids), OutboxItem.status == "sending")
                .values(status="pending", next_attempt_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            return int(getattr(result, "rowcount", 0) or 0)

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
        now = utcnow()
        async with self._db.read() as s:
            rows = (
                await s.execute(
                    select(OutboxItem.id, OutboxItem.status, OutboxItem.next_attempt_at)
                    .where(OutboxItem.status.in_(("pending", "sending")), OutboxItem.next_attempt_at <= now)
                    .order_by(OutboxItem.id)
                    .limit(BATCH)
                )
            ).all()
            self.backlog = int(
                await s.scalar(
                    select(func.count()).select_from(OutboxItem).where(OutboxItem.status.in_(("pending", "sending")))
                )
                or 0
            )
        sent = 0
        for item_id, status, due in rows:
            if await self._claim(item_id, status, due):
                self._in_flight.add(item_id)
                try:
                    await self._deliver(item_id)
                except asyncio.CancelledError:
                    raise  # stopping: stays in flight, for stop() to hand back
                except BaseException:
                    self._in_flight.discard(item_id)
                    raise
                self._in_flight.discard(item_id)
                sent += 1
        return sent

    async def _claim(self, item_id: int, status: str, due: datetime) -> bool:
        async with self._db.write() as uow:
            result = await uow.session.execute(
                update(OutboxItem)
                .where(OutboxItem.id == item_id, OutboxItem.status == status, OutboxItem.next_attempt_at == due)
                .values(status="sending", attempts=OutboxItem.attempts + 1, next_attempt_at=utcnow() + LEASE)
                .execution_options(synchronize_session=False)
            )
            return bool(getattr(result, "rowcount", 0) == 1)

    async def _deliver(self, item_id: int) -> None:
        prepared = await self._prepare(item_id)
        if isinstance(prepared.outcome, DeliveryReceipt):
            receipt = prepared.outcome
        else:
            # Sent with no database connection held: a slow provider must not pin the pool.
            channel, msg = prepared.outcome
            receipt = await self._send(channel, msg)
        await self._record(item_id, prepared.interaction_id, prepared.queue, prepared.attempts, receipt)

    async def _prepare(self, item_id: int) -> _Prepared:
        """Everything the send needs, read in one short session; or the receipt that makes sending moot."""
        async with self._db.read() as s:
            item = await s.get_one(OutboxItem, item_id)
            interaction = await s.get_one(Interaction, item.interaction_id)
            ticket = await s.get_one(Ticket, interaction.ticket_id)
            queue = await s.get_one(Queue, ticket.queue_id)
            outcome: DeliveryReceipt | tuple[Channel, OutboundMessage]
            try:
                channel = self._channels.get(item.channel)
            except LookupError as exc:  # the registry's UnknownChannel: a channel no longer configured
                outcome = DeliveryReceipt("failed", error=str(exc))
            else:
                recipient = await s.scalar(
                    select(Identity)
                    .where(Identity.customer_id == ticket.customer_id, Identity.kind == channel.identity_kind)
                    .order_by(Identity.id.desc())
                    .limit(1)
                )
                # The customer message this answers: email threads by it, and replies from the mailbox it came to.
                answered = await s.scalar(
                    select(Interaction)
                    .where(
                        Interaction.ticket_id == ticket.id,
                        Interaction.direction == "inbound",
                        Interaction.channel == item.channel,
                    )
                    .order_by(Interaction.id.desc())
                    .limit(1)
                )
                context = {"external_id": answered.external_id, **answered.meta} if answered is not None else {}
                if recipient is None:
                    outcome = DeliveryReceipt("failed", error=f"customer has no {channel.identity_kind} address")
                else:
                    outcome = (
                        channel,
                        OutboundMessage(
                            interaction_id=interaction.id,
                            ticket_id=ticket.id,
                            channel=item.channel,
                            recipient=IdentityRef(recipient.kind, recipient.value),
                            text=interaction.text,
                            html=interaction.html,
                            subject=ticket.subject,
                            meta=dict(interaction.meta),
                            reply_context=context,
                            attachments=tuple(Attachment(**a) for a in interaction.attachments or ()),
                        ),
                    )
            return _Prepared(interaction.id, ticket.id, queue.name, item.attempts, outcome)

    @staticmethod
    async def _send(channel: Channel, msg: OutboundMessage) -> DeliveryReceipt:
        try:
            return await channel.send(msg)
        except Exception as exc:  # a channel bug must not wedge the outbox
            log.exception("channel %s raised while sending", msg.channel)
            return DeliveryReceipt("failed", error=f"{type(exc).__name__}: {exc}", retryable=True)

    async def _record(
        self, item_id: int, interaction_id: int, queue: str, attempts: int, receipt: DeliveryReceipt
    ) -> None:
        now = utcnow()
        async with self._db.write() as uow:
            s = uow.session
            item = await s.get_one(OutboxItem, item_id)
            interaction = await s.get_one(Interaction, interaction_id)
            next_at: datetime | None = None
            if receipt.status == "failed":
                # Retried like a mail server: growing waits until the channel's maximum age, counted from
                # when the reply was written (or an agent last sent it again); "failed" only at the end.
                give_up_at = (item.requeued_at or item.created_at) + self._ages.max_age(item.channel)
                tries_left = self._max_attempts is None or attempts < self._max_attempts
                if receipt.retryable and tries_left:
                    next_at = next_try(now, attempts, give_up_at)
                item.last_error = receipt.error
                item.status = "pending" if next_at else "failed"
                item.next_attempt_at = next_at or now
                status = "retrying" if next_at else "failed"
            else:
                item.status = "done"
                if receipt.external_id and interaction.external_id is None:
                    interaction.external_id = receipt.external_id
                status = receipt.status
            # A provider's callback (delivered, undelivered) or a bounce may have beaten us here: it knows more.
            await record_delivery(uow, interaction, status, receipt.error, queue=queue, next_attempt_at=next_at)
