"""The delivery state machine of a reply: queued -> (retrying ->) sent -> delivered | failed, never backwards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from hub.db.engine import UnitOfWork
from hub.db.models import Interaction, Queue, Ticket
from hub.events import DeliveryUpdated
from hub.wording import Wording

# Delivery states in the order they happen; delivered and failed are both final (only an agent's
# "send again" re-queues a failed reply).
RANK: dict[str | None, int] = {None: 0, "queued": 0, "retrying": 0, "sent": 1, "delivered": 2, "failed": 2}
WAITING = (None, "queued", "retrying")
PROBLEM = "delivery_problem"  # the key in an interaction's meta


def with_problem(meta: dict[str, Any] | None, problem: Wording | None) -> dict[str, Any]:
    """The reply's meta with the cause of its failure as a template and params (the console translates it; the
    provider's own words stay in delivery_error), or without one once it is on its way again."""
    kept = {k: v for k, v in (meta or {}).items() if k != PROBLEM}
    return {**kept, PROBLEM: problem.to_json()} if problem is not None else kept


def moves_forward(current: str | None, new: str) -> bool:
    return RANK.get(new, 0) > RANK.get(current, 0)


def may_become(current: str | None, status: str, *, requeue: bool = False) -> bool:
    """Whether a reply in state `current` may take `status`: forward only, a failed try of a waiting reply
    is "retrying", and requeue (an agent's "send again") takes a retrying or failed reply back to queued."""
    if requeue:
        return status == "queued" and current in ("queued", "retrying", "failed")
    return moves_forward(current, status) or (status == "retrying" and current in WAITING)


async def record_delivery(
    uow: UnitOfWork,
    interaction: Interaction,
    status: str,
    error: str | None = None,
    *,
    queue: str | None = None,
    next_attempt_at: datetime | None = None,
    requeue: bool = False,
    problem: Wording | None = None,
) -> bool:
    """The one delivery state machine, for providers' callbacks, mailed delivery reports and agents alike
    (the outbox applies the same rule, may_become, to a batch at once): a "sent" arriving after a bounce
    changes nothing. A failed try that will be tried again is "retrying" with its reason and
    next_attempt_at. Emits message.delivery_updated when something changed; returns whether it did."""
    if not may_become(interaction.delivery_status, status, requeue=requeue):
        return False
    interaction.delivery_status = status
    interaction.delivery_error = error if status in ("failed", "retrying") else None
    if PROBLEM in (interaction.meta or {}) or (problem is not None and interaction.delivery_error is not None):
        interaction.meta = with_problem(interaction.meta, problem if interaction.delivery_error is not None else None)
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
            (interaction.meta or {}).get(PROBLEM),
        )
    )
    return True
