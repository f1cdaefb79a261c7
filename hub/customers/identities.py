"""Identity normalization and lookup: one (kind, value) belongs to exactly one customer."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import phonenumbers
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.customers import duplicates
from hub.db.models import Customer, Identity
from hub.envelopes import IdentityRef, storable_text
from hub.wording import Worded


class InvalidIdentity(Worded, ValueError):
    pass


@functools.lru_cache(maxsize=8192)  # a pure function of its text, parsed for every contact: repeat senders cost nothing
def e164(raw: str) -> str:
    """'+86 138 0013 8000' -> '+8613800138000'; ValueError when it is no possible international number."""
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not an international phone number: {raw!r} ({exc})") from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"not a possible phone number: {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize(ref: IdentityRef) -> IdentityRef:
    value = ref.value.strip()
    if not value:
        raise InvalidIdentity("empty %(kind)s identity", kind=ref.kind)
    if storable_text(value) != value:
        raise InvalidIdentity("%(kind)s identity contains control characters", kind=ref.kind)
    if ref.kind == "email":
        local, sep, domain = value.rpartition("@")
        if not sep or not local or not domain:
            raise InvalidIdentity("not an email address: '%(email)s'", email=value)
        # Domains are case-insensitive; local parts are in practice treated the same way by providers.
        return IdentityRef("email", f"{local}@{domain}".lower())
    if ref.kind == "phone":
        try:
            return IdentityRef("phone", e164(value))
        except ValueError as exc:
            raise InvalidIdentity("not a phone number: %(problem)s", problem=str(exc)) from None
    if len(value) > 320:
        raise InvalidIdentity("%(kind)s identity longer than 320 characters", kind=ref.kind)
    return IdentityRef(ref.kind, value)


async def find_customer(session: AsyncSession, ref: IdentityRef, *, lock: bool = False) -> Customer | None:
    """With lock, the customer row stays locked to the end of the transaction (PostgreSQL), so
    concurrent contacts from one customer thread onto their tickets one after another."""
    ref = normalize(ref)
    params = {"kind": ref.kind, "value": ref.value}
    return (await session.execute(_BY_IDENTITY_LOCKED if lock else _BY_IDENTITY, params)).scalar_one_or_none()


_BY_IDENTITY = (
    select(Customer)
    .join(Identity, Identity.customer_id == Customer.id)
    .where(Identity.kind == bindparam("kind"), Identity.value == bindparam("value"))
)
_BY_IDENTITY_LOCKED = _BY_IDENTITY.with_for_update(of=Customer)


async def resolve_customer(
    session: AsyncSession, ref: IdentityRef, display_name: str | None, also: Sequence[IdentityRef] = ()
) -> Customer:
    """The customer owning this identity, created on first contact. `also` are identities the channel vouches
    for as the same sender (a WeChat unionid): a first contact from a new identity joins the customer who
    owns one of them (known from another official account, or from an import)."""
    ref = normalize(ref)
    customer = await find_customer(session, ref, lock=True)
    if customer is not None:
        if display_name and not customer.display_name:
            customer.display_name = display_name[:200]
        return customer
    for other in also:
        try:
            known = await find_customer(session, other, lock=True)
        except InvalidIdentity:
            continue
        if known is not None and known.merged_into_id is None:
            await attach_identity(session, known, ref)
            return known
    name = new_customer_name(display_name, ref)
    # One flush for both rows: the customer search index (an after-flush hook) is then built once.
    customer = Customer(display_name=name, tier="general", attributes={},
                        identities=[Identity(kind=ref.kind, value=ref.value)])  # fmt: skip
    session.add(customer)
    await session.flush()
    await duplicates.index_new(session, customer.id, name, ref)
    return customer


def new_customer_name(display_name: str | None, ref: IdentityRef) -> str:
    """The name a customer created from a first contact starts with: the sender's, else their address."""
    return (display_name or "").strip()[:200] or _fallback_name(ref)


def _fallback_name(ref: IdentityRef) -> str:
    if ref.kind in ("email", "phone"):
        return ref.value
    return f"{ref.kind} visitor"


async def attach_identity(session: AsyncSession, customer: Customer, ref: IdentityRef) -> bool:
    """Add an identity the sender also has; never taken from another customer (that is a merge)."""
    ref = normalize(ref)
    owner = await find_customer(session, ref)
    if owner is not None:
        return owner.id == customer.id
    session.add(Identity(customer_id=customer.id, kind=ref.kind, value=ref.value))
    await session.flush()
    await duplicates.reindex(session, [customer.id])
    return True
