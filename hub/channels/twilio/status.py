"""Provider delivery callbacks: move an outbound interaction forward (never back), whatever order they come in."""

from __future__ import annotations

from hub.db.engine import Database
from hub.db.models import Interaction
from hub.tickets.delivery import record_delivery

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
    db: Database, interaction_id: int, provider_id: str, provider_state: str, error: str | None
) -> str | None:
    """Returns the interaction's status after the callback; None when the interaction is unknown."""
    status = TWILIO_STATES.get(provider_state)
    if status is None:
        return None
    async with db.write() as uow:
        s = uow.session
        interaction = await s.get(Interaction, interaction_id)
        if interaction is None or interaction.direction != "outbound":
            return None
        # The provider's own state history, whatever order it arrives in, for whoever investigates.
        seen = list(interaction.meta.get("provider_states", []))
        if provider_state not in seen:
            interaction.meta = {**interaction.meta, "provider_states": [*seen, provider_state]}
        if interaction.external_id is None:
            interaction.external_id = provider_id
        await record_delivery(uow, interaction, status, error if status == "failed" else None)
        return interaction.delivery_status
