"""Tickets a batch opens: new customers' first contacts, and known customers' new threads (e-mail, web chat, calls).

One by one, a new customer costs about nine statements: a flush of the customer with their identity (and the
customer search index rebuilt by an after-flush hook, which reads both back), their duplicate-detection keys,
a queue look-up, a flush of the ticket, its subject's search row and its history line. Here a batch's new
customers are one INSERT ... RETURNING, their identities one INSERT, their keys and search words one each,
their queues one SELECT and their tickets one INSERT ... RETURNING; the subjects' search rows and the
"ticket.created" lines go out with the contacts' own rows (BatchWriter). A known customer's contact that starts a
thread on a channel that threads explicitly (it answers none of their messages) opens its ticket the same way, in
the same statements as a new customer's. All are Core statements (inbound_rows.py): ids and rows come back, no ORM
objects and no flush (so no after-flush reindex either). What the rows hold is what the one-by-one path writes
(the same helpers build them).
A customer another transaction created first makes the identities' unique key refuse the INSERT: the batch
fails and its contacts are stored one by one, which finds that customer (as two racing first contacts do on
the one-by-one path). On PostgreSQL the new rows stay invisible, and so locked, to others until commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.clock import utcnow
from hub.customers.duplicates import new_key_rows
from hub.customers.identities import new_customer_name
from hub.customers.search import customer_words
from hub.customers.search_index import customer_statements, is_sqlite
from hub.db.binds import SqliteRows
from hub.envelopes import IdentityRef, InboundEnvelope, storable_text
from hub.tickets.inbound import ContactWriter
from hub.tickets.inbound_rows import (
    INSERT_CUSTOMERS,
    INSERT_CUSTOMERS_SQLITE,
    INSERT_IDENTITIES,
    INSERT_KEYS,
    INSERT_TICKETS,
    QUEUES_NAMED,
    Owner,
    QueueRow,
    TicketRow,
    dicts,
)
from hub.tickets.inbound_sqlite import DriverRead
from hub.tickets.opening import ticket_values
from hub.tickets.search import subject_row

_TIER = "general"  # a new customer's (the customers table's default)
# SQLite: rows bound in plain Python (hub/db/binds.py), with the columns' defaults given: one time for the batch.
_CUSTOMERS_SQLITE = SqliteRows(INSERT_CUSTOMERS_SQLITE)
_IDENTITIES_SQLITE, _KEYS_SQLITE = SqliteRows(INSERT_IDENTITIES), SqliteRows(INSERT_KEYS)
_QUEUES_SQLITE = DriverRead(QUEUES_NAMED)


@dataclass(frozen=True, slots=True)
class Opened:
    """What a batch's first contacts opened, and the rows that go out with the contacts' own."""

    customers: dict[int, Owner]  # by the contact's index in the batch
    tickets: dict[int, TicketRow]
    search_rows: list[dict[str, Any]]  # the tickets' subjects
    history: list[dict[str, Any]]  # "ticket.created", one per ticket (history.record's keywords)


async def new_customers(s: AsyncSession, firsts: dict[int, tuple[InboundEnvelope, IdentityRef]]) -> dict[int, Owner]:
    """A customer with this (normalized, unowned) identity for each first contact, by index."""
    order = sorted(firsts)
    names = [new_customer_name(_sender_name(firsts[i][0]), firsts[i][1]) for i in order]
    rows: list[dict[str, Any]] = [{"display_name": name, "tier": _TIER, "attributes": {}} for name in names]
    sqlite = is_sqlite(s)
    now = utcnow()
    if sqlite:  # in order by id: the batch holds the only write lock, so the ids follow the rows
        rows = [{**row, "created_at": now, "updated_at": now} for row in rows]
        ids = sorted(n for (n,) in await _CUSTOMERS_SQLITE.insert_returning(s, rows))
    else:
        ids = [n for (n,) in await s.execute(INSERT_CUSTOMERS, rows)]
    customers = [Owner(n, name, _TIER) for n, name in zip(ids, names, strict=True)]
    refs = [firsts[i][1] for i in order]
    identities = [{"customer_id": c.id, "kind": r.kind, "value": r.value} for c, r in zip(customers, refs, strict=True)]
    keys = [row for c, r in zip(customers, refs, strict=True) for row in new_key_rows(c.id, c.display_name, r)]
    if sqlite:
        await _IDENTITIES_SQLITE.execute_many(s, [{**i, "verified": False, "created_at": now} for i in identities])
        await _KEYS_SQLITE.execute_many(s, keys)
    else:
        await s.execute(INSERT_IDENTITIES, identities)
        if keys:
            await s.execute(INSERT_KEYS, keys)
    # The customer search index, as search.reindex would build it from these rows (new: nothing to delete).
    _, put_words = customer_statements(sqlite)
    await s.execute(put_words, [{"id": c.id, "words": customer_words(c.display_name, [(r.kind, r.value)])}
                                for c, r in zip(customers, refs, strict=True)])  # fmt: skip
    return dict(zip(order, customers, strict=True))


async def open_tickets(
    s: AsyncSession, writer: ContactWriter, contacts: dict[int, tuple[InboundEnvelope, Owner]]
) -> Opened:
    """A new ticket for each contact, by index; one per customer (the tickets come back matched by customer)."""
    order = sorted(contacts)
    if len({contacts[i][1].id for i in order}) != len(order):
        raise ValueError("one ticket per customer in a batch: the tickets are matched to contacts by customer")
    sqlite = is_sqlite(s)
    wanted = {writer.queue_of(contacts[i][0]) for i in order}
    params = {"names": sorted(wanted)}
    found = await _QUEUES_SQLITE.rows(s, params) if sqlite else await s.execute(QUEUES_NAMED, params)
    queues = {q.name: q for q in (QueueRow(*row) for row in found)}
    if missing := wanted - queues.keys():
        raise LookupError(f"queue {min(missing)!r} does not exist; run `hub db upgrade` after configuring it")
    openings = [writer.opening(env, customer, queues[writer.queue_of(env)]) for env, customer in
                (contacts[i] for i in order)]  # fmt: skip
    inserted = await s.execute(INSERT_TICKETS, [ticket_values(o) for o in openings])
    by_customer = {t["customer_id"]: t for t in dicts(inserted)}
    tickets = [by_customer[contacts[i][1].id] for i in order]
    created = [
        {"customer_id": t["customer_id"], "kind": "ticket.created", "at": o.now, "summary": t["subject"],
         "channel": t["channel"], "ticket_id": t["id"]}
        for t, o in zip(tickets, openings, strict=True)
    ]  # fmt: skip
    return Opened(
        customers={i: contacts[i][1] for i in order},
        tickets=dict(zip(order, tickets, strict=True)),
        search_rows=[subject_row(t["id"], t["subject"]) for t in tickets],
        history=created,
    )


def _sender_name(env: InboundEnvelope) -> str | None:
    return storable_text(env.sender_name) if env.sender_name else None
