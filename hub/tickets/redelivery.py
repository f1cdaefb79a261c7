"""An agent's "send again": a reply being retried is tried now; a failed one is queued again, with a fresh age."""

from __future__ import annotations

from sqlalchemy import select, update

from hub.agents import audit
from hub.agents.accounts import Principal
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Interaction, OutboxItem
from hub.events.snapshots import InteractionSnapshot
from hub.tickets.delivery import record_delivery


class MessageNotFound(LookupError):
    pass


class NotRetryable(ValueError):
    """The reply cannot be sent again now (already on its way or sent); the message says why."""


async def send_again(db: Database, interaction_id: int, actor: Principal) -> InteractionSnapshot:
    async with db.write() as uow:
        s = uow.session
        interaction = await s.get(Interaction, interaction_id)
        if interaction is None or interaction.direction != "outbound":
            raise MessageNotFound(f"message {interaction_id} is not a reply of ours")
        item = await s.scalar(select(OutboxItem).where(OutboxItem.interaction_id == interaction_id))
        if item is None:
            raise MessageNotFound(f"message {interaction_id} was not sent through the outbox")
        was = interaction.delivery_status
        if was not in ("queued", "retrying", "failed"):
            raise NotRetryable(f"message {interaction_id} is already {was}; sending it again would duplicate it")
        now = utcnow()
        # Compare-and-set on the outbox row: one being sent right now belongs to the worker that claimed it.
        values: dict[str, object] = {"status": "pending", "next_attempt_at": now}
        if was == "failed":
            # Its retry age starts again; a cap on tries (HUB_OUTBOX_MAX_ATTEMPTS) counts afresh too.
            values.update(requeued_at=now, attempts=0)
        result = await s.execute(
            update(OutboxItem)
            .where(OutboxItem.id == item.id, OutboxItem.status != "sending")
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            raise NotRetryable(f"message {interaction_id} is being sent right now")
        await record_delivery(uow, interaction, "queued", requeue=True)
        audit.record(s, actor, "message.sent_again", "interaction", interaction_id, before=was)
        return InteractionSnapshot.of(interaction)
