"""What an inbound batch reads before it writes: stored messages, senders' customers, threads and tickets.

Each read is one statement for the whole batch (per channel or identity kind), Core rows rather than ORM
objects (inbound_rows.py); on SQLite the contacts' and tickets' reads run on the driver (inbound_sqlite.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.customers.search_index import is_sqlite
from hub.db.models import Customer, Interaction, Queue, Ticket
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.events.snapshots import InteractionSnapshot, TicketSnapshot
from hub.tickets.inbound import IngestResult
from hub.tickets.inbound_rows import BY_ID, LATEST, OWNERS, OWNERS_LOCKED, REFERRED, SEEN, Owner, TicketRow, dicts
from hub.tickets.inbound_sqlite import DriverRead

# Built once: the statements' cache keys are memoized, and the expanding IN lists compile once per length. The
# common case's reads are Core (inbound_rows.py); a retry's answer is rare and reads ORM objects, as
# find_duplicate does.
REPEATED = (
    select(Interaction, Ticket, Customer, Queue.name)
    .join(Ticket, Ticket.id == Interaction.ticket_id)
    .join(Customer, Customer.id == Ticket.customer_id)
    .join(Queue, Queue.id == Ticket.queue_id)
    .where(Interaction.channel == bindparam("channel"), Interaction.external_id.in_(bindparam("ids", expanding=True)))
)
# SQLite: the batch's reads of its contacts and tickets on the driver's connection (inbound_sqlite.py). The senders'
# customers stay on SQLAlchemy's path, where the engine's events see the look (a test makes it miss, as a race would).
SEEN_SQLITE, LATEST_SQLITE = DriverRead(SEEN), DriverRead(LATEST)
REFERRED_SQLITE, BY_ID_SQLITE = DriverRead(REFERRED), DriverRead(BY_ID)


async def seen(s: AsyncSession, envs: Sequence[InboundEnvelope]) -> set[tuple[str, str]]:
    by_channel: defaultdict[str, list[str]] = defaultdict(list)
    for env in envs:
        by_channel[env.channel].append(env.external_id)
    found: set[tuple[str, str]] = set()
    sqlite = is_sqlite(s)
    for channel, ids in by_channel.items():
        params = {"channel": channel, "ids": sorted(set(ids))}
        rows = await SEEN_SQLITE.rows(s, params) if sqlite else await s.execute(SEEN, params)
        found.update((c, e) for c, e in rows if e is not None)
    return found


async def owners(s: AsyncSession, refs: list[IdentityRef]) -> dict[IdentityRef, Owner]:
    by_kind: defaultdict[str, set[str]] = defaultdict(set)
    for ref in refs:
        by_kind[ref.kind].add(ref.value)
    # PostgreSQL: the customers stay locked to commit, so other processes' contacts from them wait their turn.
    statement = OWNERS if is_sqlite(s) else OWNERS_LOCKED
    found: dict[IdentityRef, Owner] = {}
    for kind, values in by_kind.items():
        rows = await s.execute(statement, {"kind": kind, "values": sorted(values)})
        found.update((IdentityRef(kind, value), Owner(n, name, tier)) for value, n, name, tier in rows)
    return found


async def duplicates(s: AsyncSession, envs: dict[int, InboundEnvelope]) -> dict[int, IngestResult]:
    """The stored contact each repeated one repeats, with its ticket as it stands, as find_duplicate gives it."""
    by_channel: defaultdict[str, set[str]] = defaultdict(set)
    for env in envs.values():
        by_channel[env.channel].add(env.external_id)
    found: dict[tuple[str, str], IngestResult] = {}
    for channel, ids in by_channel.items():
        for interaction, ticket, customer, queue in await s.execute(REPEATED, {"channel": channel, "ids": sorted(ids)}):
            snapshot = TicketSnapshot.of(ticket, customer, queue)
            found[(channel, str(interaction.external_id))] = IngestResult(
                snapshot, InteractionSnapshot.of(interaction), True, None
            )
    return {i: found[k] for i, env in envs.items() if (k := (env.channel, env.external_id)) in found}


async def hints(s: AsyncSession, envs: dict[int, InboundEnvelope]) -> dict[int, int]:
    """The ticket named by each contact's thread: the newest stored message it answers, else its own hint."""
    wanted: defaultdict[str, set[str]] = defaultdict(set)
    for env in envs.values():
        wanted[env.channel].update(env.thread_refs[:50])
    stored: dict[tuple[str, str], tuple[int, int]] = {}  # (channel, external id) -> (interaction, ticket)
    sqlite = is_sqlite(s)
    for channel, ids in wanted.items():
        if ids:
            params = {"channel": channel, "ids": sorted(ids)}
            rows = await REFERRED_SQLITE.rows(s, params) if sqlite else await s.execute(REFERRED, params)
            stored.update(((channel, e), (n, ticket)) for e, n, ticket in rows if e is not None)
    hints: dict[int, int] = {}
    for i, env in envs.items():
        found = [stored[(env.channel, r)] for r in env.thread_refs[:50] if (env.channel, r) in stored]
        hint = max(found)[1] if found else env.thread_ticket_id
        if hint is not None:
            hints[i] = hint
    return hints


async def tickets(s: AsyncSession, ids: set[int]) -> dict[int, TicketRow]:
    if not ids:
        return {}
    params = {"ids": sorted(ids)}
    found = await BY_ID_SQLITE.dicts(s, params) if is_sqlite(s) else dicts(await s.execute(BY_ID, params))
    return {t["id"]: t for t in found}


async def latest(s: AsyncSession, customer_ids: set[int]) -> dict[tuple[int, str], TicketRow]:
    if not customer_ids:
        return {}
    params = {"customers": sorted(customer_ids)}
    tickets = await LATEST_SQLITE.dicts(s, params) if is_sqlite(s) else dicts(await s.execute(LATEST, params))
    return {(t["customer_id"], t["channel"]): t for t in tickets}
