"""Provider delivery callbacks: Twilio's message states in ours, recorded through the core's one delivery path."""

from __future__ import annotations

from hub.tickets.desk import ChannelDesk
from hub.wording import Wording

# Twilio's message states -> ours. States before "sent" say nothing the outbox has not said already.
TWILIO_STATES = {
    "accepted": "queued",
    "scheduled": "queued",
    "queued": "queued",
    "sending": "queued",
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "failed",
    "failed": "failed",
    "canceled": "failed",
}


async def apply_status(
    desk: ChannelDesk,
    interaction_id: int,
    provider_id: str,
    provider_state: str,
    error: str | None,
    problem: Wording | None = None,
) -> str | None:
    """Returns the interaction's status after the callback; None when the interaction is unknown."""
    status = TWILIO_STATES.get(provider_state)
    if status is None:
        return None
    return await desk.record_receipt(
        interaction_id, status, error, provider_id=provider_id, provider_state=provider_state, problem=problem
    )
