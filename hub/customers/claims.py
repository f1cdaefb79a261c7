"""Which customer a contact joins when its sender says who they are (a chat's pre-chat e-mail, a website's user id).

A verified claim (the website vouched for the visitor with an identity hash) is the customer: the named
identity is marked verified, created with the customer when new, and the visitor's own identity joins it.
An unverified claim joins the existing customer with that identity, so the agent sees their history, but
only a visitor who is nobody yet joins, and only as an unverified identity: a claim never moves an
identity from one customer to another (that is a merge, done by a person) and never verifies anything.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.customers.identities import InvalidIdentity, attach_identity, find_customer, normalize, resolve_customer
from hub.db.models import Customer, Identity
from hub.envelopes import Claim, IdentityRef

log = logging.getLogger(__name__)


async def resolve_claimed(
    session: AsyncSession, sender: IdentityRef, claim: Claim, display_name: str | None
) -> Customer:
    """The customer this contact belongs to; created on first contact like resolve_customer."""
    try:
        named_ref = normalize(claim.identity)
    except InvalidIdentity:
        return await resolve_customer(session, sender, display_name)
    own = await find_customer(session, sender, lock=True)
    if not claim.verified:
        if own is not None:
            return own  # already someone: what they say now is shown, never acted on
        named = await find_customer(session, named_ref, lock=True)
        if named is None or named.merged_into_id is not None:
            return await resolve_customer(session, sender, display_name)  # nobody by that name: a record of their own
        await attach_identity(session, named, sender)  # unverified: the name and record stay the customer's
        return named
    named = await find_customer(session, named_ref, lock=True)
    if named is None:
        named = await resolve_customer(session, named_ref, display_name)
    elif display_name and not named.display_name:
        named.display_name = display_name[:200]
    await _verify(session, named_ref)
    if own is None:
        await attach_identity(session, named, sender)
    elif own.id != named.id:
        # The visitor's browser already belongs to another record (the connection is given a fresh visitor
        # in that case, so only a race gets here): stay with it rather than move an identity.
        log.warning("verified chat identity names customer %s, but the visitor is customer %s", named.id, own.id)
        return own
    await _verify(session, sender)
    return named


async def _verify(session: AsyncSession, ref: IdentityRef) -> None:
    ref = normalize(ref)
    await session.execute(
        update(Identity).where(Identity.kind == ref.kind, Identity.value == ref.value).values(verified=True)
    )


def latest_claim(interactions: list[Any]) -> dict[str, Any] | None:
    """What the sender of a conversation last said they are: the newest inbound message's claim."""
    for row in reversed(interactions):
        if row.direction == "inbound" and isinstance(row.meta.get("claim"), dict):
            claim: dict[str, Any] = row.meta["claim"]
            return claim
    return None
