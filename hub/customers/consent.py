"""Consent per channel: a customer's opt-in or opt-out, kept on the profile and in the history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from hub.customers import history
from hub.customers.identities import resolve_customer
from hub.db.engine import Database
from hub.envelopes import IdentityRef


async def record_consent(
    db: Database, sender: IdentityRef, channel: str, *, granted: bool, source: str, at: datetime
) -> int:
    """Returns the customer id; a first-time subscriber becomes a known customer. A provider's retry of the change
    on the profile (the same source: Twilio's MessageSid, WeChat's event) and a change older than it (pushes
    arriving out of order) leave profile and history as they are."""
    try:
        return await _record(db, sender, channel, granted, source, at)
    except IntegrityError:
        # A first-time sender's change arriving twice at once (WeChat resends a push it waited 5 s for): the
        # other request created the customer meanwhile; this time we find them, and the change is recorded once.
        return await _record(db, sender, channel, granted, source, at)


async def _record(db: Database, sender: IdentityRef, channel: str, granted: bool, source: str, at: datetime) -> int:
    async with db.write() as uow:
        customer = await resolve_customer(uow.session, sender, None)
        attributes: dict[str, Any] = dict(customer.attributes or {})
        consent = dict(attributes.get("consent") or {})
        if _already(consent.get(channel), granted, source, at):
            return customer.id
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


def _already(entry: Any, granted: bool, source: str, at: datetime) -> bool:
    if not isinstance(entry, dict):
        return False
    if entry.get("granted") == granted and entry.get("source") == source:
        return True
    try:
        return datetime.fromisoformat(str(entry.get("at"))) > at
    except (TypeError, ValueError):
        return False  # an entry written by hand without a time: the new change stands


def has_consent(attributes: dict[str, Any], channel: str) -> bool | None:
    """True or False when the customer said so on this channel; None when they never did."""
    entry = (attributes.get("consent") or {}).get(channel)
    return bool(entry["granted"]) if isinstance(entry, dict) and "granted" in entry else None
