"""Merge two customer records that are one person, and undo it: every moved row is recorded, so unmerge
puts back exactly what the merge moved and restores both profiles as they were."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents import audit
from hub.agents.accounts import Principal
from hub.clock import utcnow
from hub.customers import duplicates
from hub.customers.identities import find_customer
from hub.customers.retier import TierTable, retier
from hub.customers.tables import CustomerKey, CustomerMerge
from hub.db.engine import Database
from hub.db.models import ACTIVE, Customer, HistoryEntry, Identity, Interaction, Ticket
from hub.envelopes import IdentityRef
from hub.wording import Worded

MOVED = (("identities", Identity), ("tickets", Ticket), ("interactions", Interaction), ("history", HistoryEntry))


class LinkError(Worded, ValueError):
    """A merge that cannot be: into itself, or of a record already merged (409 / 422 in the API)."""


class AlreadyMerged(LinkError):
    """The record was merged (or the merge undone) already: 409."""


class CustomerMissing(Worded, LookupError):
    """No customer of that id: 404."""


def _profile(customer: Customer) -> dict[str, Any]:
    return {"display_name": customer.display_name, "tier": customer.tier, "attributes": customer.attributes or {}}


async def _live(s: AsyncSession, customer_id: int, role: str, lock: bool) -> Customer:
    customer = await s.get(Customer, customer_id, with_for_update=lock)
    if customer is None:
        raise CustomerMissing("customer %(customer)s does not exist", customer=customer_id)
    if customer.merged_into_id is not None:
        merged = {"customer": customer_id, "target": customer.merged_into_id}
        if role == "source":
            raise AlreadyMerged("the source, customer %(customer)s, was merged into customer %(target)s", **merged)
        raise AlreadyMerged("the target, customer %(customer)s, was merged into customer %(target)s", **merged)
    return customer


def merged_tier(source: Customer, target: Customer, attributes: dict[str, Any], table: TierTable) -> str:
    """One person is worth what the more valuable record says, unless a supervisor set the tier (the
    target's override first, then the source's)."""
    override = attributes.get("tier_override")
    if isinstance(override, str) and override:
        return override
    return table.higher(source.tier, target.tier)


async def _open_ids(s: AsyncSession, customer_id: int) -> list[int]:
    return list(await s.scalars(select(Ticket.id).where(Ticket.customer_id == customer_id, Ticket.status.in_(ACTIVE))))


async def merge(db: Database, source_id: int, target_id: int, actor: Principal, table: TierTable) -> CustomerMerge:
    """Move the source's identities, tickets, interactions and history to the target; the source stays
    as an empty record pointing at the target. Open tickets on either side take the merged tier."""
    if source_id == target_id:
        raise LinkError("a customer cannot be merged into itself")
    async with db.write() as uow:
        s = uow.session
        # Lower id first: two merges of the same pair in opposite directions must not deadlock.
        first, second = sorted((source_id, target_id))
        lock = not db.is_sqlite
        locked = {first: await _live(s, first, "source" if first == source_id else "target", lock)}
        locked[second] = await _live(s, second, "source" if second == source_id else "target", lock)
        source, target = locked[source_id], locked[target_id]
        target_open = await _open_ids(s, target.id)
        moved: dict[str, list[int]] = {}
        for name, model in MOVED:
            ids = list(await s.scalars(select(model.id).where(model.customer_id == source.id)))
            if ids:
                await s.execute(update(model).where(model.id.in_(ids)).values(customer_id=target.id))
            moved[name] = ids
        record = CustomerMerge(
            source_id=source.id,
            target_id=target.id,
            moved=moved,
            source_before=_profile(source),
            target_before=_profile(target),
            actor=actor.name,
        )
        s.add(record)
        # The target's own settings win; what only the source knew (consent, value) is kept.
        attributes = {**(source.attributes or {}), **(target.attributes or {})}
        # Numbers either record shared with someone else: one list, less those the person now owns outright.
        owned = set(
            await s.scalars(select(Identity.value).where(Identity.customer_id == target.id, Identity.kind == "phone"))
        )
        shared = [
            *(target.attributes or {}).get("shared_phones", []),
            *(source.attributes or {}).get("shared_phones", []),
        ]
        kept: dict[str, Any] = {}
        for phone in shared:
            if isinstance(phone, dict) and phone.get("number") and phone["number"] not in owned:
                kept.setdefault(phone["number"], phone)
        attributes.pop("shared_phones", None)
        if kept:
            attributes["shared_phones"] = list(kept.values())
        target.attributes = attributes
        if not target.display_name:
            target.display_name = source.display_name
        source_tier, target_tier = source.tier, target.tier
        target.tier = merged_tier(source, target, target.attributes, table)
        source.merged_into_id = target.id
        await s.flush()
        now = utcnow()
        await retier(uow, target, source_tier, table, why=f"merged from customer {source.id}", now=now,
                     ticket_ids=moved["tickets"])  # fmt: skip
        await retier(uow, target, target_tier, table, why=f"merged with customer {source.id}", now=now,
                     ticket_ids=target_open)  # fmt: skip
        await s.execute(delete(CustomerKey).where(CustomerKey.customer_id == source.id))
        await duplicates.reindex(s, [target.id])
        audit.record(s, actor, "customer.merged", "customer", target.id, source_id=source.id, merge_id=record.id,
                     source_name=source.display_name, moved={k: len(v) for k, v in moved.items()})  # fmt: skip
        return record


async def unmerge(db: Database, merge_id: int, actor: Principal, table: TierTable) -> CustomerMerge:
    """Put back exactly the rows the merge moved and both profiles as they were before it; open tickets on
    both sides take their customer's restored tier."""
    async with db.write() as uow:
        s = uow.session
        record = await s.get(CustomerMerge, merge_id, with_for_update=not db.is_sqlite)
        if record is None:
            raise CustomerMissing("merge %(merge)s does not exist", merge=merge_id)
        if record.undone_at is not None:
            raise AlreadyMerged("merge %(merge)s was already undone", merge=merge_id)
        later = await s.scalar(
            select(CustomerMerge.id).where(
                CustomerMerge.source_id == record.target_id, CustomerMerge.undone_at.is_(None)
            )
        )
        if later is not None:
            raise AlreadyMerged(
                "customer %(customer)s was merged on (merge %(merge)s): undo that first",
                customer=record.target_id,
                merge=later,
            )
        # Both customers locked, lower id first, before any of their rows moves: routing locks a customer and
        # then its ticket, so moving tickets first and then changing their customer could deadlock with it.
        lock = not db.is_sqlite
        for customer_id in sorted((record.source_id, record.target_id)):
            await s.get_one(Customer, customer_id, with_for_update=lock)
        source = await s.get_one(Customer, record.source_id)
        target = await s.get_one(Customer, record.target_id)
        merged_tier_now = target.tier
        going_back = set(record.moved.get("tickets") or ())
        staying = [i for i in await _open_ids(s, target.id) if i not in going_back]
        for name, model in MOVED:
            ids = record.moved.get(name) or []
            if ids:
                await s.execute(
                    update(model).where(model.id.in_(ids), model.customer_id == target.id).values(customer_id=source.id)
                )
        for customer, before in ((source, record.source_before), (target, record.target_before)):
            customer.display_name = before["display_name"]
            customer.tier = before["tier"]
            customer.attributes = before["attributes"]
        source.merged_into_id = None
        record.undone_at = utcnow()
        await s.flush()
        why = f"merge {record.id} undone"
        await retier(uow, source, merged_tier_now, table, why=why, now=record.undone_at, ticket_ids=list(going_back))
        await retier(uow, target, merged_tier_now, table, why=why, now=record.undone_at, ticket_ids=staying)
        await duplicates.reindex(s, [source.id, target.id])
        audit.record(s, actor, "customer.unmerged", "customer", source.id, out_of=target.id, merge_id=record.id)
        await s.flush()
        return record


async def link_into(db: Database, source_id: int, target: IdentityRef, actor: Principal, table: TierTable) -> int:
    """Merge the source into the customer who owns `target` (an address or number the agent knows)."""
    async with db.read() as s:
        owner = await find_customer(s, target)
    if owner is None:
        raise LinkError("no customer is known by %(kind)s %(value)s", kind=target.kind, value=target.value)
    await merge(db, source_id, owner.id, actor, table)
    return owner.id
