"""A batch's receipts written back in a few statements: outbox rows finished or scheduled for another try,
replies moved along the delivery state machine, one event per change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Boolean, Table, Text, bindparam, case, select, update

from hub.db.engine import UnitOfWork
from hub.db.models import INTERACTIONS, OutboxItem
from hub.envelopes import DeliveryReceipt
from hub.events import DeliveryUpdated
from hub.tickets.delivery_ages import DeliveryAges, next_try
from hub.tickets.delivery_jobs import Job
from hub.tickets.delivery_states import may_become, with_problem

_OUTBOX = cast(Table, OutboxItem.__table__)
_REPLIES = INTERACTIONS


async def record(
    uow: UnitOfWork,
    results: Sequence[tuple[Job, DeliveryReceipt]],
    ages: DeliveryAges,
    max_attempts: int | None,
    now: datetime,
) -> int:
    """Writes the receipts of claims still held; returns how many. A claim lost meanwhile (its lease ran out
    and another worker took the row, or an agent's action) is that worker's to record, not ours."""
    if not results:
        return 0
    o, i = _OUTBOX, _REPLIES
    s = await uow.session.connection()  # Core rows, without the ORM's per-statement work
    # Locked on PostgreSQL until commit: a provider's callback on the same reply waits for this batch.
    current = {
        row.id: row
        for row in await s.execute(
            select(
                o.c.id,
                o.c.attempts,
                o.c.status,
                i.c.delivery_status,
                i.c.delivery_error,
                i.c.delivery_next_attempt_at,
                i.c.external_id,
                i.c.meta,
            )
            .join(i, i.c.id == o.c.interaction_id)
            .where(o.c.id.in_([job.claim.id for job, _ in results]))
            .with_for_update()
        )
    }
    rows: list[dict[str, Any]] = []
    replies: list[dict[str, Any]] = []
    for job, receipt in results:
        c = job.claim
        row = current.get(c.id)
        if row is None or row.status != "sending" or row.attempts != c.attempts:
            continue
        next_at: datetime | None = None
        if receipt.status == "failed":
            # Retried like a mail server: growing waits until the channel's maximum age, counted from
            # when the reply was written (or an agent last sent it again); "failed" only at the end.
            give_up_at = (c.requeued_at or c.created_at) + ages.max_age(c.channel)
            if receipt.retryable and (max_attempts is None or c.attempts < max_attempts):
                next_at = next_try(now, c.attempts, give_up_at)
            outbox_status, status = ("pending", "retrying") if next_at else ("failed", "failed")
        else:
            outbox_status, status = "done", receipt.status
        failed = receipt.status == "failed"
        rows.append({"b_id": c.id, "b_attempts": c.attempts, "b_status": outbox_status, "b_next": next_at or now,
                     "b_failed": failed, "b_error": receipt.error})  # fmt: skip
        was = row.delivery_status
        reply = {"b_id": c.interaction_id, "b_was": was, "b_status": was, "b_error": row.delivery_error,
                 "b_next": row.delivery_next_attempt_at, "b_ext": row.external_id, "b_meta": row.meta}  # fmt: skip
        changed = not failed and receipt.external_id is not None and row.external_id is None
        if changed:
            reply["b_ext"] = receipt.external_id
        # A provider's callback (delivered, undelivered) or a bounce may have beaten us here: it knows more.
        if may_become(was, status):
            changed = True
            error = receipt.error if status in ("failed", "retrying") else None
            problem = receipt.problem if error is not None else None
            reply.update(b_status=status, b_error=error, b_next=next_at if status == "retrying" else None,
                         b_meta=with_problem(row.meta, problem))  # fmt: skip
            uow.emit(DeliveryUpdated(job.ticket_id, job.queue, c.interaction_id, status, error, reply["b_next"],
                                     problem.to_json() if problem else None))  # fmt: skip
        if changed:
            replies.append(reply)
    if rows:
        await s.execute(
            update(o)
            .where(o.c.id == bindparam("b_id"), o.c.attempts == bindparam("b_attempts"), o.c.status == "sending")
            .values(
                status=bindparam("b_status"),
                next_attempt_at=bindparam("b_next"),
                last_error=case(
                    (bindparam("b_failed", type_=Boolean()), bindparam("b_error", type_=Text())), else_=o.c.last_error
                ),
            ),
            rows,
        )
    if replies:
        await s.execute(
            update(i)
            .where(i.c.id == bindparam("b_id"), i.c.delivery_status.is_not_distinct_from(bindparam("b_was")))
            .values(
                delivery_status=bindparam("b_status"),
                delivery_error=bindparam("b_error"),
                delivery_next_attempt_at=bindparam("b_next"),
                external_id=bindparam("b_ext"),
                meta=bindparam("b_meta", type_=i.c.meta.type),
            ),
            replies,
        )
    return len(rows)
