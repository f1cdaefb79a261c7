"""Consent per channel: a customer's opt-in or opt-out, kept on the profile and in the history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hub.customers import history
from hub.customers.identities import resolve_customer
from hub.db.engine import Database
from hub.envelopes import IdentityRef


async def record_consent(
    db: Database, sender: IdentityRef, channel: str, *, granted: bool, source: str, at: datetime
) -> int:
    """Returns the customer id; a first-time subscriber becomes a known customer."""
    async with db.write() as uow:
        customer = await resolve_customer(uow.session, sender, None)
        attributes: dict[str, Any] = dict(customer.attributes or {})
        consent = dict(attributes.get("consent") or {})
        consent[channel] = {"granted": granted, "at": at.isoformat(), "source": source}
        attributes["consent"] = consent
        customer.attributes = attributes  # a new dict, so the JSON column is written
        await history.record(
            uow.session,
            customer_id=customer.id,
            kind="consent.granted" if granted else "consent.revoked",
            at=at,
            summary=source,
            channel=channel,
        )
        return customer.id


def has_consent(attributes: dict[str, Any], channel: str) -> bool | None:
    """True or False when the customer said so on this channel; None when they never did."""
    entry = (attributes.get("consent") or {}).get(channel)
    return bool(entry["granted"]) if isinstance(entry, dict) and "granted" in entry else None
