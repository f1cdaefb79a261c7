"""Erasing a customer, the one place erasure hooks in: who is erased (the customer and every record merged into
them), every database copy (STEPS in hub/customers/erasure_steps.py, one transaction), in-memory buffers flushed
first (the knowledge usage log), and stores outside the database told after the commit (attachment files, raw
mail; a search index would be one more Store). Open tickets are closed by it, so callers confirm first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents import audit
from hub.agents.accounts import Principal
from hub.clock import utcnow
from hub.customers.erasure_steps import STEPS, Scope
from hub.customers.linking import CustomerMissing
from hub.db.engine import Database
from hub.db.models import ACTIVE, Customer, Identity, Interaction, Status, Ticket
from hub.wording import Worded


class NeedsConfirmation(Worded):
    """Erasure would close open tickets: the caller must say so (409 with the count)."""


class Store(Protocol):
    """Something outside the database holding customer data; told after the erasure committed."""

    async def forget(self, scope: Scope) -> int: ...  # how many things it removed


class Files:
    """Attachment files or raw mail copies, by the keys the messages named."""

    def __init__(self, store: Any, keys: Callable[[Scope], list[str]]) -> None:
        self._store, self._keys = store, keys  # store: anything with `async delete(key) -> bool`

    async def forget(self, scope: Scope) -> int:
        removed = 0
        for key in self._keys(scope):
            try:
                removed += bool(await self._store.delete(key))
            except OSError:
                continue  # reported by the caller as files left
        return removed


@dataclass(frozen=True, slots=True)
class Erased:
    customer_id: int
    counts: dict[str, int]
    files_removed: int
    files_left: int


class Eraser:
    """Erasure with every store that holds customer data: `buffers` are flushed into the database before (their
    rows are then erased with the rest), `stores` forget after the commit."""

    def __init__(
        self, db: Database, stores: Sequence[Store] = (), buffers: Sequence[Callable[[], Awaitable[None]]] = ()
    ) -> None:
        self._db, self._stores, self._buffers = db, list(stores), list(buffers)

    async def erase(self, customer_id: int, actor: Principal, *, close_open_tickets: bool) -> Erased:
        for flush in self._buffers:
            await flush()
        async with self._db.write() as uow:
            s = uow.session
            customer = await s.get(Customer, customer_id, with_for_update=not self._db.is_sqlite)
            if customer is None:
                raise CustomerMissing("customer %(customer)s does not exist", customer=customer_id)
            scope = await _scope(s, customer_id)
            open_tickets = await s.scalar(
                select(func.count())
                .select_from(Ticket)
                .where(Ticket.id.in_(scope.ticket_ids), Ticket.status.in_(ACTIVE))
            )
            if open_tickets and not close_open_tickets:
                raise NeedsConfirmation(
                    "customer %(customer)s has %(count)s open ticket(s), which erasure closes; send "
                    '{"close_open_tickets": true} to go ahead',
                    customer=customer_id,
                    count=open_tickets,
                )
            await s.execute(
                update(Ticket)
                .where(Ticket.id.in_(scope.ticket_ids), Ticket.status.in_(ACTIVE))
                .values(status=Status.CLOSED.value, offer_expires_at=None, updated_at=utcnow())
            )
            counts = {name: await step(s, scope) for name, step in STEPS}
            counts["tickets_closed"] = int(open_tickets or 0)
            merged = len(scope.customer_ids) - 1
            audit.record(s, actor, "customer.erased", "customer", customer_id, merged_records=merged,
                         **{k: v for k, v in counts.items() if k != "profiles"})  # fmt: skip
        wanted = len(set(scope.files)) + len(set(scope.raw_mail))
        scope.files, scope.raw_mail = sorted(set(scope.files)), sorted(set(scope.raw_mail))
        removed = 0
        for store in self._stores:
            removed += await store.forget(scope)
        return Erased(customer_id, counts, removed, max(0, wanted - removed))


async def _scope(s: AsyncSession, customer_id: int) -> Scope:
    ids, frontier = [customer_id], [customer_id]
    while frontier:  # records merged into this one, and into those
        frontier = [i for i in await s.scalars(select(Customer.id).where(Customer.merged_into_id.in_(frontier)))
                    if i not in ids]  # fmt: skip
        ids += frontier
    tickets = list(await s.scalars(select(Ticket.id).where(Ticket.customer_id.in_(ids))))
    identities = [(k, v) for k, v in (await s.execute(select(Identity.kind, Identity.value).where(
        Identity.customer_id.in_(ids)))).all()]  # fmt: skip
    # Their messages' beginnings: suggestions (and so the gap log) read no further than this.
    texts = list(
        await s.scalars(
            select(func.substr(Interaction.text, 1, 2000)).where(
                Interaction.customer_id.in_(ids), Interaction.direction == "inbound"
            )
        )
    )
    return Scope(ids, tickets, identities, texts)
