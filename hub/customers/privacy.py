"""Customer privacy: export everything we hold on one customer (erasure is hub/customers/erasure.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hub.agents import audit
from hub.agents.accounts import Principal
from hub.clock import utcnow
from hub.customers.linking import CustomerMissing
from hub.customers.tables import CustomerMerge
from hub.db.engine import Database
from hub.db.models import Customer, HistoryEntry, Identity, Interaction, Ticket


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


async def export(db: Database, customer_id: int, actor: Principal) -> dict[str, Any]:
    """All we hold on one customer as JSON-ready data (GDPR art. 15 / PIPL art. 45); the export is audited."""
    async with db.write() as uow:
        s = uow.session
        customer = await s.get(Customer, customer_id)
        if customer is None:
            raise CustomerMissing("customer %(customer)s does not exist", customer=customer_id)

        def rows(model: Any, *columns: str) -> Any:
            return select(*(getattr(model, c) for c in columns)).where(model.customer_id == customer_id)

        identities = (await s.execute(rows(Identity, "kind", "value", "verified", "created_at"))).all()
        tickets = (await s.execute(rows(Ticket, "id", "subject", "status", "channel", "created_at", "solved_at"))).all()
        messages = (
            await s.execute(
                rows(
                    Interaction, "id", "ticket_id", "direction", "channel", "text", "attachments", "created_at"
                ).order_by(Interaction.id)
            )
        ).all()
        history = (await s.execute(rows(HistoryEntry, "occurred_at", "kind", "channel", "summary"))).all()
        merges = (
            await s.execute(select(CustomerMerge.source_id, CustomerMerge.created_at).where(
                CustomerMerge.target_id == customer_id, CustomerMerge.undone_at.is_(None)))
        ).all()  # fmt: skip
        audit.record(s, actor, "customer.exported", "customer", customer_id)
        return {
            "customer": {"id": customer.id, "name": customer.display_name, "tier": customer.tier,
                         "attributes": customer.attributes, "created_at": _iso(customer.created_at)},
            "identities": [{k: _iso(v) for k, v in r._mapping.items()} for r in identities],
            "tickets": [{k: _iso(v) for k, v in r._mapping.items()} for r in tickets],
            "messages": [{k: _iso(v) for k, v in r._mapping.items()} for r in messages],
            "history": [{k: _iso(v) for k, v in r._mapping.items()} for r in history],
            "merged_from": [{"customer_id": m.source_id, "at": _iso(m.created_at)} for m in merges],
            "exported_at": utcnow().isoformat(),
        }  # fmt: skip
