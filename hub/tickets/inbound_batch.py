"""A batch of inbound contacts in one transaction: the common case in a few statements for the whole batch.

The common case is a known customer writing on a ticket that is still active (new or open): one SELECT finds
which contacts are already stored, one finds the senders' customers, one the messages their threads answer
(e-mail replies), one or two the tickets they continue (named by their thread, else the latest); then one
executemany moves the tickets, one multi-row INSERT ... RETURNING stores the contacts, one fills the search
index and one the history. A new customer's contacts (no claim) are the other common case:
inbound_new.py opens their customers and tickets in a few statements for the batch (the first contact opens
the ticket, the next ones continue it) and their contacts join the same INSERTs; so does a known customer's
contact on a channel that threads explicitly (e-mail, web chat, a call) that names none of their tickets (a new
thread: a new ticket, in the same INSERT). Everything else (a ticket to reopen, a pending or merged ticket, a hint
naming another customer's merged ticket, claims, extra identities, a message id repeated within the batch, a new
customer writing twice by e-mail or on two channels, a known customer starting two threads in one batch) goes through
ContactWriter.store one by one, in the same transaction. A message stored before (a provider's retry) writes
nothing: one SELECT answers all of them, and their senders' other contacts stay on the batch path. A customer
is handled by one path only, so their contacts keep their order.
Nothing here is cached across batches: customers and tickets are read in each batch's own transaction (on
PostgreSQL with the customers locked, as the one-by-one path locks them), so a merge, an erasure or an
identity moved between batches is seen by the next batch.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from hub.customers import history
from hub.customers.history import entry_row
from hub.customers.identities import InvalidIdentity, normalize
from hub.customers.search_index import is_sqlite, put_ticket_rows
from hub.db.binds import SqliteRows
from hub.db.engine import UnitOfWork
from hub.db.models import HISTORY, INTERACTIONS
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.events import MessageReceived, TicketCreated
from hub.events.snapshots import InteractionSnapshot
from hub.tickets import inbound_reads as reads
from hub.tickets.inbound import _TOUCH_TICKET, ContactWriter, IngestResult, contact_values, history_values
from hub.tickets.inbound_new import Opened, new_customers, open_tickets
from hub.tickets.inbound_rows import (
    Owner,
    TicketRow,
    ticket_snapshot,
)
from hub.tickets.model import Status, ThreadAction
from hub.tickets.search import message_row

# The new ids are matched to their rows by each contact's own key (unique in a plan), not by order: asking for
# the rows in parameter order (sort_by_parameter_order) makes SQLAlchemy insert one row per statement on SQLite,
# whose RETURNING order is not guaranteed.
_INSERT_MANY = INTERACTIONS.insert().returning(INTERACTIONS.c.id, INTERACTIONS.c.channel, INTERACTIONS.c.external_id)
# SQLite: the contacts and the tickets' moves bound in plain Python (hub/db/binds.py), not row by row by SQLAlchemy.
_INSERT_MANY_SQLITE = SqliteRows(_INSERT_MANY)
_TOUCH_SQLITE = SqliteRows(_TOUCH_TICKET)
_HISTORY_SQLITE = SqliteRows(HISTORY.insert())  # the rows history.record_many writes (its own row helper)
# No status change: the ticket only takes the new message (pending, solved or none take the one-by-one path).
_CONTINUED = frozenset({Status.NEW.value, Status.OPEN.value})


@dataclass(slots=True)
class _Plan:
    env: InboundEnvelope
    customer: Owner
    ticket: TicketRow  # shared by the plans that continue it, so each snapshot is the ticket after its contact
    opened: bool = False  # the contact opened the ticket (a new customer's first, or a new e-mail thread)


def _plain(env: InboundEnvelope) -> bool:
    """No claim or extra identity: the sender's identity alone names the customer."""
    return env.claim is None and not env.extra_identities


class BatchWriter:
    def __init__(self, writer: ContactWriter) -> None:
        self._writer = writer

    async def store_many(self, uow: UnitOfWork, envs: Sequence[InboundEnvelope]) -> list[IngestResult]:
        """Store every contact in the caller's transaction, in order; events go out when it commits."""
        s = uow.session
        seen = await reads.seen(s, envs)
        refs = [_normalized(env.sender) for env in envs]
        owners = await reads.owners(s, [r for r in refs if r is not None])
        keys = {(env.channel, env.external_id) for env in envs}
        taken: set[tuple[str, str]] = set()
        slow_customers: set[int] = set()
        candidates: dict[int, tuple[InboundEnvelope, Owner]] = {}
        fresh: defaultdict[IdentityRef, list[int]] = defaultdict(list)  # identities no customer has yet
        spoiled: set[IdentityRef] = set()
        stored: dict[int, InboundEnvelope] = {}  # sent again (a provider's retry): answered, nothing written
        for i, (env, ref) in enumerate(zip(envs, refs, strict=True)):
            key = (env.channel, env.external_id)
            if key in seen:
                stored[i] = env
                continue
            customer = owners.get(ref) if ref is not None else None
            # A reply to a message of this very batch: that message is not stored yet, the one-by-one path sees it.
            ok = _plain(env) and key not in taken
            ok = ok and not any((env.channel, r) in keys for r in env.thread_refs[:50])
            taken.add(key)
            if customer is None:  # a new customer (with no valid identity: the one-by-one path refuses it)
                if ref is not None:
                    group = fresh[ref]
                    group.append(i)
                    # A duplicate, or a later contact that would not simply continue the first one's ticket (e-mail
                    # opens a ticket per message, a reply may name another): choose_thread decides, one by one. The
                    # first contact's own thread counts for nothing: a new customer has no ticket it could name
                    # (choose_thread takes a hint only for the same customer), so it opens one, replies included.
                    first = envs[group[0]]
                    later = len(group) > 1 and (env.explicit_threading or first.explicit_threading
                                                or env.channel != first.channel or bool(env.thread_refs)
                                                or env.thread_ticket_id is not None)  # fmt: skip
                    if not ok or later:
                        spoiled.add(ref)
                continue
            if not ok or (env.sender_name and not customer.display_name):
                slow_customers.add(customer.id)  # a duplicate, a claim, a name to fill in
            else:
                candidates[i] = (env, customer)
        hints = await reads.hints(s, {i: env for i, (env, _) in candidates.items()})
        unhinted = {c.id for i, (env, c) in candidates.items() if i not in hints and not env.explicit_threading}
        latest = await reads.latest(s, unhinted)
        hinted = await reads.tickets(s, set(hints.values()))
        # One dict per ticket, whichever read found it: the plans that continue it move the same row.
        hinted.update((t["id"], t) for t in latest.values() if t["id"] in hinted)
        plans: dict[int, _Plan] = {}
        starts: dict[int, tuple[InboundEnvelope, Owner]] = {}  # known customers' contacts that open a ticket
        for i, (env, customer) in candidates.items():
            named = hinted.get(hints[i]) if i in hints else None
            if named is not None and named["customer_id"] == customer.id:
                ticket: TicketRow | None = named  # the ticket its thread names, when it is this customer's
            elif env.explicit_threading and (named is None or named["merged_into_id"] is None):
                # Explicit threading (e-mail, web chat, a call) naming none of theirs opens a ticket, as choose_thread
                # decides (a hint naming another customer's ticket counts for nothing; a merged one's hops are the
                # one-by-one path's).
                starts[i] = (env, customer)
                continue
            else:  # with no hint, the latest ticket (chat, SMS: one conversation per customer and channel)
                ticket = None if i in hints or env.explicit_threading else latest.get((customer.id, env.channel))
            if ticket is None or ticket["status"] not in _CONTINUED or ticket["merged_into_id"] is not None:
                slow_customers.add(customer.id)
            else:
                plans[i] = _Plan(env, customer, ticket)
        # The tickets come back matched by customer: a customer opening two in one batch goes one by one.
        opening = Counter(customer.id for _env, customer in starts.values())
        slow_customers.update(n for n, count in opening.items() if count > 1)
        # The one-by-one path also takes the rest of those customers' contacts in this batch, in order.
        plans = {i: p for i, p in plans.items() if p.customer.id not in slow_customers}
        starts = {i: start for i, start in starts.items() if start[1].id not in slow_customers}
        # A new customer's first contact in the batch opens their ticket here, and their next ones continue it
        # (as choose_thread would: the ticket is new). With a claim or an extra identity anywhere in the batch,
        # new customers go one by one: those may create or join the same customer.
        groups = {ref: ix for ref, ix in fresh.items() if ref not in spoiled}
        firsts = {ix[0]: (envs[ix[0]], ref) for ref, ix in groups.items()}
        created = await new_customers(s, firsts) if firsts and all(map(_plain, envs)) else {}
        starts.update((i, (envs[i], customer)) for i, customer in created.items())
        opened = await open_tickets(s, self._writer, starts) if starts else None
        if opened is not None:
            plans.update((i, _Plan(env, customer, opened.tickets[i], True)) for i, (env, customer) in starts.items())
            for ix in groups.values() if created else ():
                customer, ticket = opened.customers[ix[0]], opened.tickets[ix[0]]
                plans.update({i: _Plan(envs[i], customer, ticket) for i in ix[1:]})
        results: dict[int, IngestResult] = await self._store_planned(uow, plans, opened) if plans else {}
        for i, env in enumerate(envs):
            if i not in results and i not in stored:
                results[i] = await self._writer.store(uow, env)
        results.update(await reads.duplicates(s, stored))
        for i, env in stored.items():
            if i not in results:  # gone meanwhile (erased by another transaction): stored again, as one by one
                results[i] = await self._writer.store(uow, env)
        return [results[i] for i in range(len(envs))]

    async def _store_planned(
        self, uow: UnitOfWork, plans: dict[int, _Plan], opened: Opened | None
    ) -> dict[int, IngestResult]:
        s = uow.session
        order = sorted(plans)
        rows = [contact_values(plans[i].env, plans[i].ticket["id"], plans[i].customer.id) for i in order]
        sqlite = is_sqlite(s)
        inserted = (
            await _INSERT_MANY_SQLITE.insert_returning(s, rows) if sqlite else await s.execute(_INSERT_MANY, rows)
        )
        stored = {(channel, key): n for n, channel, key in inserted}
        ids = [stored[(v["channel"], v["external_id"])] for v in rows]
        touched: dict[int, dict[str, object]] = {}
        results: dict[int, IngestResult] = {}
        for i, values, interaction_id in zip(order, rows, ids, strict=True):
            plan = plans[i]
            ticket, now = plan.ticket, plan.env.received_at
            if not plan.opened:  # an opened ticket already has this contact's time
                # The customer wrote: a snoozed ticket's reminder is spent (hub/tickets/snooze.py), as in
                # _touch_ticket.
                change = {"last_message_at": now, "updated_at": now, "remind_at": None}
                ticket.update(change)
                touched[ticket["id"]] = {"ticket_id": ticket["id"], "status": ticket["status"],
                                         "solved_at": ticket["solved_at"], **change}  # fmt: skip
            queue = await self._writer.queue_name(s, ticket["queue_id"])
            snapshot = ticket_snapshot(ticket, plan.customer, queue)
            message = InteractionSnapshot.from_values(interaction_id, values)
            if plan.opened:
                uow.emit(TicketCreated(snapshot))
            uow.emit(MessageReceived(snapshot, message))
            results[i] = IngestResult(snapshot, message, False, ThreadAction.NEW if plan.opened else ThreadAction.REUSE)
        if touched and sqlite:
            await _TOUCH_SQLITE.execute_many(s, list(touched.values()))
        elif touched:
            await s.execute(_TOUCH_TICKET, list(touched.values()))
        # The opened tickets' subjects and "ticket.created" lines first, as open_ticket writes them before the contact.
        subjects, created = (opened.search_rows, opened.history) if opened is not None else ([], [])
        messages = [message_row(n, v["ticket_id"], v["text"]) for n, v in zip(ids, rows, strict=True)]
        await put_ticket_rows(s, [*subjects, *messages])
        lines = [*created, *(history_values(v, n) for n, v in zip(ids, rows, strict=True))]
        if sqlite:
            await _HISTORY_SQLITE.execute_many(s, [entry_row(**line) for line in lines])
        else:
            await history.record_many(s, lines)
        return results


def _normalized(ref: IdentityRef) -> IdentityRef | None:
    try:
        return normalize(ref)
    except InvalidIdentity:
        return None  # the one-by-one path refuses it with its own error
