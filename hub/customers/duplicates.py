"""Duplicate suggestions: blocking keys kept per customer (customer_keys), candidates by shared keys,
then scored with their evidence. O(customers sharing a key), never O(all customers)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, case, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.customers.evidence import THRESHOLD
from hub.customers.matching import Match, Person, keys, score
from hub.customers.tables import CustomerKey
from hub.db.engine import Database
from hub.db.models import Customer, Identity
from hub.envelopes import IdentityRef

CANDIDATES = 50  # most shared-key weight first: past this, only more namesakes of a very common name
NAMESAKES = 10


# Built once: a lookup runs three of these, and building them per call was half its time.
_NAMES = select(Customer.id, Customer.display_name, Customer.attributes).where(
    Customer.id.in_(bindparam("ids", expanding=True)), Customer.merged_into_id.is_(None)
)
# By customer only: a condition on kind too makes SQLite walk the (kind, value) index instead.
_IDENTITIES = select(Identity.customer_id, Identity.kind, Identity.value).where(
    Identity.customer_id.in_(bindparam("ids", expanding=True))
)
_WEIGHT = func.sum(CustomerKey.weight)
# Whether a candidate shares an address or a number (keys e:, l:, p:), not just a name (a:, t:).
_CONTACT = func.max(case((CustomerKey.key.like("a:%") | CustomerKey.key.like("t:%"), 0), else_=1))
_SHARING = (
    select(CustomerKey.customer_id, _CONTACT)
    .where(CustomerKey.key.in_(bindparam("keys", expanding=True)), CustomerKey.customer_id != bindparam("me"))
    .group_by(CustomerKey.customer_id)
    .order_by(_CONTACT.desc(), _WEIGHT.desc(), CustomerKey.customer_id)
    .limit(CANDIDATES)
)


async def people(s: AsyncSession, ids: Iterable[int]) -> dict[int, Person]:
    """Customers (not merged away) with their e-mail addresses, phones (and extensions) and address, in two
    queries. A number someone shares with another customer (a family landline, a switchboard) counts as theirs
    here: it is what makes the two a possible duplicate, though only its owner is recognised by it."""
    rows = (await s.execute(_NAMES, {"ids": list(ids)})).all()
    names = {r.id: r.display_name for r in rows}
    attributes = {r.id: r.attributes or {} for r in rows}
    emails: dict[int, list[str]] = {i: [] for i in names}
    phones: dict[int, list[str]] = {r.id: shared_numbers(r.attributes) for r in rows}
    for customer_id, kind, value in (await s.execute(_IDENTITIES, {"ids": list(names)})).all():
        if kind in ("email", "phone"):
            (emails if kind == "email" else phones)[customer_id].append(value)
    return {i: _person(i, name, emails[i], phones[i], attributes[i]) for i, name in names.items()}


def _person(i: int, name: str, emails: list[str], phones: list[str], attributes: dict[str, Any]) -> Person:
    return Person(i, name, tuple(emails), tuple(phones), extensions(attributes), str(attributes.get("address") or ""))


def shared_numbers(attributes: dict[str, Any] | None) -> list[str]:
    """The E.164 numbers in a customer's `shared_phones` attribute (see hub/customers/imports.py)."""
    shared = (attributes or {}).get("shared_phones") or []
    return [str(p["number"]) for p in shared if isinstance(p, dict) and p.get("number")]


def extensions(attributes: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """(number, extension) of the customer's own numbers and of those they share, as imports keep them."""
    own = attributes.get("phone_extensions")
    found = {str(k): str(v) for k, v in own.items() if v} if isinstance(own, dict) else {}
    for p in attributes.get("shared_phones") or []:
        if isinstance(p, dict) and p.get("number") and p.get("extension"):
            found.setdefault(str(p["number"]), str(p["extension"]))
    return tuple(sorted(found.items()))


async def index_new(s: AsyncSession, customer_id: int, name: str, first: IdentityRef) -> None:
    """Keys of a customer just created from one contact: what we know is in hand, nothing to read back."""
    person = Person(customer_id, name, (first.value,) if first.kind == "email" else (),
                    (first.value,) if first.kind == "phone" else ())  # fmt: skip
    rows = [{"customer_id": customer_id, "key": k, "weight": w} for k, w in keys(person).items()]
    if rows:
        await s.execute(insert(CustomerKey), rows)


async def reindex(s: AsyncSession, customer_ids: Iterable[int], *, new: bool = False) -> None:
    """Recompute the keys of these customers (after a new customer, a new identity, a merge)."""
    ids = list(customer_ids)
    if not new:
        await s.execute(delete(CustomerKey).where(CustomerKey.customer_id.in_(ids)))
    rows = [
        {"customer_id": person.id, "key": key, "weight": weight}
        for person in (await people(s, ids)).values()
        for key, weight in keys(person).items()
    ]
    if rows:
        await s.execute(insert(CustomerKey), rows)


async def suggest(db: Database, customer_id: int, *, limit: int = 10, min_score: int = THRESHOLD) -> list[Match]:
    """Probable duplicates of this customer, best first: those scoring `min_score` or more (by default the
    threshold from which the evidence makes one person likely; lower shows weaker look-alikes too)."""
    async with db.read() as s:
        me = (await people(s, [customer_id])).get(customer_id)
        if me is None:
            raise LookupError(f"customer {customer_id} does not exist (or was merged into another)")
        wanted = keys(me)
        if not wanted:
            return []
        ranked = (await s.execute(_SHARING, {"keys": list(wanted), "me": customer_id})).all()
        # Sharing only a name makes a namesake at best: a few of those are enough to show.
        candidate_ids = [r[0] for r in ranked if r[1]] + [r[0] for r in ranked if not r[1]][:NAMESAKES]
        candidates = await people(s, candidate_ids)
    matches = [score(me, other) for other in candidates.values()]
    matches = [m for m in matches if m.score >= min_score]
    matches.sort(key=lambda m: (-m.score, m.customer_id))
    return matches[:limit]


async def backfill(db: Database, batch: int = 1000) -> int:
    """Keys for customers that have none (records from before this index existed): `hub customers reindex`."""
    done, last = 0, 0
    while True:
        async with db.write() as uow:
            s = uow.session
            missing = list(
                await s.scalars(
                    select(Customer.id)
                    .outerjoin(CustomerKey, CustomerKey.customer_id == Customer.id)
                    .where(CustomerKey.customer_id.is_(None), Customer.merged_into_id.is_(None), Customer.id > last)
                    .order_by(Customer.id)
                    .limit(batch)
                )
            )
            if not missing:
                return done
            await reindex(s, missing, new=True)
            done, last = done + len(missing), missing[-1]
