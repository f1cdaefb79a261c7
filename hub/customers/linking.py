"""Link two customer records that are one person: everything of the source moves to the target."""

from __future__ import annotations

from sqlalchemy import select, update

from hub import audit
from hub.accounts import Principal
from hub.customers.identities import find_customer
from hub.db.engine import Database
from hub.db.models import Customer, HistoryEntry, Identity, Interaction, Ticket
from hub.envelopes import IdentityRef


class LinkError(ValueError):
    pass


async def link_into(db: Database, source_id: int, target: IdentityRef, actor: Principal) -> int:
    """Move the source customer's identities, tickets, interactions and history to the customer who owns
    `target`, then remove the empty source. The audit entry lists every moved row, so it can be undone."""
    async with db.write() as uow:
        s = uow.session
        source = await s.get(Customer, source_id)
        if source is None:
            raise LookupError(f"customer {source_id} does not exist")
        owner = await find_customer(s, target)
        if owner is None:
            raise LinkError(f"no customer is known by {target.kind} {target.value}")
        if owner.id == source.id:
            raise LinkError("a customer cannot be linked to itself")
        moved: dict[str, list[int]] = {}
        for name, model in (
            ("identities", Identity),
            ("tickets", Ticket),
            ("interactions", Interaction),
            ("history", HistoryEntry),
        ):
            ids = list(await s.scalars(select(model.id).where(model.customer_id == source.id)))
            if ids:
                await s.execute(update(model).where(model.id.in_(ids)).values(customer_id=owner.id))
            moved[name] = ids
        attributes = {**(source.attributes or {}), **(owner.attributes or {})}
        owner.attributes = attributes
        audit.record(
            s,
            actor,
            "customer.linked",
            "customer",
            owner.id,
            source_id=source.id,
            source_name=source.display_name,
            source_tier=source.tier,
            moved=moved,
        )
        await s.delete(source)
        return owner.id
