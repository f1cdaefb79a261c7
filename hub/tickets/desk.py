"""What a channel may ask of the core besides ingesting a contact: media that came later, a provider's
receipt for a sent message, a customer's consent, a reply of its own. Plain values in, plain values out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hub.agents.accounts import Principal
from hub.customers.consent import record_consent
from hub.db.engine import Database
from hub.db.models import Interaction
from hub.envelopes import Attachment, IdentityRef
from hub.tickets.delivery import record_delivery
from hub.tickets.inbound import add_attachments
from hub.tickets.replies import post_reply
from hub.wording import Wording


class ChannelDesk:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_attachments(
        self, interaction_id: int, attachments: list[Attachment], warning: str | None = None
    ) -> None:
        """Media fetched once the provider had its answer, onto the contact already stored."""
        await add_attachments(self._db, interaction_id, attachments, warning)

    async def record_receipt(
        self,
        interaction_id: int,
        status: str,
        error: str | None,
        *,
        provider_id: str,
        provider_state: str,
        problem: Wording | None = None,
    ) -> str | None:
        """A provider's word on a message we sent, through the one delivery state machine (never backwards).
        Returns the message's delivery status afterwards; None when it is no outbound message of ours."""
        async with self._db.write() as uow:
            interaction = await uow.session.get(Interaction, interaction_id)
            if interaction is None or interaction.direction != "outbound":
                return None
            # The provider's own state history, whatever order it arrives in, for whoever investigates.
            seen = list(interaction.meta.get("provider_states", []))
            if provider_state not in seen:
                interaction.meta = {**interaction.meta, "provider_states": [*seen, provider_state]}
            if interaction.external_id is None:
                interaction.external_id = provider_id
            failed = status == "failed"
            await record_delivery(
                uow, interaction, status, error if failed else None, problem=problem if failed else None
            )
            return interaction.delivery_status

    async def record_consent(
        self, sender: IdentityRef, channel: str, *, granted: bool, source: str, at: datetime
    ) -> int:
        """An opt-in or opt-out on the customer's profile and history; returns the customer id."""
        return await record_consent(self._db, sender, channel, granted=granted, source=source, at=at)

    async def reply(self, ticket_id: int, actor: Principal, text: str, **options: Any) -> None:
        """A reply the channel writes itself (an automatic acknowledgement), through the one reply path;
        `options` are post_reply's."""
        await post_reply(self._db, ticket_id, actor, text, **options)
