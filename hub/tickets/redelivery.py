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
from hub.wording import Worded


class MessageNotFound(Worded, LookupError):
    """No reply of ours by that id (404)."""


class NotRetryable(Worded, ValueError):
    """The reply cannot be sent again now (already on its way or sent); the message says why."""


async def send_again(db: Database, interaction_id: int, actor: Principal) -> InteractionSnapshot:
    async with db.write() as uow:
        s = uow.session
        interaction = await s.get(Interaction, interaction_id)
        if interaction is None or interaction.direction != "outbound":
            raise MessageNotFound("message %(message)s is not a reply of ours", message=interaction_id)
        item = await s.scalar(select(OutboxItem).where(OutboxItem.interaction_id == interaction_id))
        if item is None:
            raise MessageNotFound("message %(message)s was not sent through the outbox", message=interaction_id)
        was = interaction.delivery_status
        if was not in ("queued", "retrying", "failed"):
            if was == "delivered":
                raise NotRetryable(
                    "message %(message)s is already delivered; sending it again would duplicate it",
                    message=interaction_id,
                )
            raise NotRetryable(
                "message %(message)s is already sent; sending it again would duplicate it", message=interaction_id
            )
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
            raise NotRetryable("message %(message)s is being sent right now", message=interaction_id)
        await record_delivery(uow, interaction, "queued", requeue=True)
        audit.record(s, actor, "message.sent_again", "interaction", interaction_id, before=was)
        return InteractionSnapshot.of(interaction)
