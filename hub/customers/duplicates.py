"""Duplicate suggestions: blocking keys kept per customer (customer_keys), candidates by shared keys,
then scored with their evidence. O(customers sharing a key, at most KEY_SHARERS each), never O(all)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Integer, bindparam, delete, func, insert, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import aliased

from hub.customers.evidence import NAME_ONLY_MAX, THRESHOLD
from hub.customers.matching import Match, Person, keys, score
from hub.customers.tables import CustomerKey
from hub.db.engine import Database
from hub.db.models import Customer, Identity
from hub.envelopes import IdentityRef

CANDIDATES = 50  # most shared-key weight first: past this, only more namesakes of a very common name
NAMESAKES = 10


_WEIGHT = func.sum(CustomerKey.weight)
_SHARING = (
    select(CustomerKey.customer_id)
    .where(CustomerKey.key.in_(bindparam("keys", expanding=True)), CustomerKey.customer_id != bindparam("me"))
    .group_by(CustomerKey.customer_id)
    .order_by(_WEIGHT.desc(), CustomerKey.customer_id)
    .limit(bindparam("most"))
)
NAME_KEYS = ("a:", "t:")  # thousands may share a common name's: read only when look-alikes are asked for
KEY_SHARERS = 100  # a key more customers share (a big switchboard, info@ everywhere) tells nobody apart
_ME = bindparam("me", type_=Integer)
_OTHERS = aliased(CustomerKey)
# Whether a key has more than KEY_SHARERS holders, at the cost of at most that many index steps (not a count).
_CROWDED = select(_OTHERS.customer_id).where(_OTHERS.key == CustomerKey.key).limit(1).offset(KEY_SHARERS).exists()
# The customer's own contact keys as stored (the same rows that let others find them), so the usual lookup
# needs no keys computed in Python and no expanding IN list to compile: one cached statement, one round trip.
# Crowded keys are left out: reading one would cost O(its holders), and a candidate it alone links shares
# nothing but a switchboard or a generic mailbox name with the customer.
_MY_CONTACT_KEYS = select(CustomerKey.key).where(
    CustomerKey.customer_id == _ME,
    *(func.substr(CustomerKey.key, 1, 2) != prefix for prefix in NAME_KEYS),
    ~_CROWDED,
)
_CONTACT_SHARING = (
    select(CustomerKey.customer_id.label("id"))
    .where(CustomerKey.key.in_(_MY_CONTACT_KEYS), CustomerKey.customer_id != _ME)
    .group_by(CustomerKey.customer_id)
    .order_by(_WEIGHT.desc(), CustomerKey.customer_id)
    .limit(CANDIDATES)
    .subquery()
)
# One row per identity (or one for a customer with none): a round trip costs more than the repeated name.
_COLUMNS = (Customer.id, Customer.display_name, Customer.attributes, Identity.kind, Identity.value)
_LIVE = (
    select(*_COLUMNS).outerjoin(Identity, Identity.customer_id == Customer.id).where(Customer.merged_into_id.is_(None))
)
_PEOPLE = _LIVE.where(Customer.id.in_(bindparam("ids", expanding=True)))
# The usual lookup: the customer and the customers sharing a contact key with them, with their details.
_WITH_CANDIDATES = _LIVE.where(Customer.id.in_(union_all(select(_ME), select(_CONTACT_SHARING.c.id))))


async def people(s: AsyncSession, ids: Iterable[int]) -> dict[int, Person]:
    """Customers (not merged away) with their e-mail addresses, phones (and extensions) and address, in one
    query. A number someone shares with another customer (a family landline, a switchboard) counts as theirs
    here: it is what makes the two a possible duplicate, though only its owner is recognised by it."""
    wanted = list(ids)
    return _people(await _rows(s, _PEOPLE, {"ids": wanted})) if wanted else {}


async def _rows(s: AsyncSession, statement: Any, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
    """The statement's rows (customer id, name, attributes, identity kind, identity value)."""
    # On the connection: the ORM's result processing would double the cost of this hot path.
    return (await (await s.connection()).execute(statement, params)).all()


def _people(rows: Iterable[Sequence[Any]]) -> dict[int, Person]:
    names: dict[int, str] = {}
    attributes: dict[int, dict[str, Any]] = {}
    emails: dict[int, list[str]] = {}
    phones: dict[int, list[str]] = {}
    for customer_id, name, attrs, kind, value in rows:
        if customer_id not in names:
            names[customer_id], attributes[customer_id] = name, attrs or {}
            emails[customer_id], phones[customer_id] = [], shared_numbers(attrs)
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
    rows = new_key_rows(customer_id, name, first)
    if rows:
        await s.execute(insert(CustomerKey), rows)


def new_key_rows(customer_id: int, name: str, first: IdentityRef) -> list[dict[str, Any]]:
    """The customer_keys rows of a customer created from one contact (many such customers: one INSERT)."""
    person = Person(customer_id, name, (first.value,) if first.kind == "email" else (),
                    (first.value,) if first.kind == "phone" else ())  # fmt: skip
    return [{"customer_id": customer_id, "key": k, "weight": w} for k, w in keys(person).items()]


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
    async with db.engine.connect() as conn:  # a read: no ORM session needed
        if min_score > NAME_ONLY_MAX:  # a name alone cannot reach min_score: only contact keys can
            candidates = _people((await conn.execute(_WITH_CANDIDATES, {"me": customer_id})).all())
            me = candidates.pop(customer_id, None)
        else:  # namesakes are shown too: a few of them are enough
            me = (_people((await conn.execute(_PEOPLE, {"ids": [customer_id]})).all())).get(customer_id)
            candidates = await _look_alikes(conn, me) if me is not None else {}
    if me is None:
        raise LookupError(f"customer {customer_id} does not exist (or was merged into another)")
    matches = [score(me, other) for other in candidates.values()]
    matches = [m for m in matches if m.score >= min_score]
    matches.sort(key=lambda m: (-m.score, m.customer_id))
    return matches[:limit]


async def _look_alikes(conn: AsyncConnection, me: Person) -> dict[int, Person]:
    """Customers sharing a contact key with me, then the namesakes sharing the most name-key weight."""
    wanted = keys(me)
    contact = [k for k in wanted if not k.startswith(NAME_KEYS)]
    ids = await _sharing(conn, contact, me.id, CANDIDATES)
    names = [k for k in wanted if k.startswith(NAME_KEYS)]
    ids += [i for i in await _sharing(conn, names, me.id, NAMESAKES + len(ids)) if i not in ids]
    wanted_ids = ids[: CANDIDATES + NAMESAKES]
    return _people((await conn.execute(_PEOPLE, {"ids": wanted_ids})).all()) if wanted_ids else {}


async def _sharing(conn: AsyncConnection, wanted: list[str], me: int, most: int) -> list[int]:
    """Customers sharing these keys, most shared weight first."""
    if not wanted:
        return []
    return list((await conn.execute(_SHARING, {"keys": wanted, "me": me, "most": most})).scalars())


async def backfill(db: Database, batch: int = 1000, *, everyone: bool = False) -> int:
    """Keys for customers that have none (records from before this index existed), or with `everyone` for
    every customer: after the keys themselves changed (company, address and nickname keys came later)."""
    done, last = 0, 0
    while True:
        async with db.write() as uow:
            s = uow.session
            query = select(Customer.id).where(Customer.merged_into_id.is_(None), Customer.id > last)
            if not everyone:
                query = query.outerjoin(CustomerKey, CustomerKey.customer_id == Customer.id).where(
                    CustomerKey.customer_id.is_(None)
                )
            ids = list(await s.scalars(query.order_by(Customer.id).limit(batch)))
            if not ids:
                return done
            await reindex(s, ids, new=not everyone)
            done, last = done + len(ids), ids[-1]
