"""Customer privacy: export everything we hold on one customer, and erase it while anonymous figures stay.

Erasure removes the name, every identity, what the customer and agents wrote (texts, HTML, attachments,
raw mail), ticket subjects and timeline summaries, in one transaction; tickets keep their channel,
queue, tier, times and owner, so volumes, waits and SLA attainment stay right. Files are deleted after
the commit. Open tickets are closed by it, so the API asks for confirmation first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update

from hub import audit
from hub.accounts import Principal
from hub.customers.tables import CustomerKey, CustomerMerge
from hub.db.engine import Database
from hub.db.models import Customer, HistoryEntry, Identity, Interaction, Ticket
from hub.db.types import utcnow
from hub.tickets import ACTIVE, Status

ERASED = "[erased]"


class NeedsConfirmation(Exception):
    """Erasure would close open tickets: the caller must say so (409 with the count)."""


@dataclass(frozen=True, slots=True)
class Erased:
    customer_id: int
    counts: dict[str, int]
    attachment_keys: list[str]  # files to delete once committed
    raw_mail_keys: list[str]


def _rows(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


async def export(db: Database, customer_id: int, actor: Principal) -> dict[str, Any]:
    """All we hold on one customer as JSON-ready data (GDPR art. 15 / PIPL art. 45); the export is audited."""
    async with db.write() as uow:
        s = uow.session
        customer = await s.get(Customer, customer_id)
        if customer is None:
            raise LookupError(f"customer {customer_id} does not exist")

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


async def erase(db: Database, customer_id: int, actor: Principal, *, close_open_tickets: bool) -> Erased:
    now = utcnow()
    async with db.write() as uow:
        s = uow.session
        customer = await s.get(Customer, customer_id, with_for_update=not db.is_sqlite)
        if customer is None:
            raise LookupError(f"customer {customer_id} does not exist")
        open_tickets = await s.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.customer_id == customer_id, Ticket.status.in_(ACTIVE))
        )
        if open_tickets and not close_open_tickets:
            raise NeedsConfirmation(f"customer {customer_id} has {open_tickets} open ticket(s), which erasure closes")
        files, raw = [], []
        for attachments, meta in (
            await s.execute(
                select(Interaction.attachments, Interaction.meta).where(Interaction.customer_id == customer_id)
            )
        ).all():
            files += [a["storage_key"] for a in attachments or () if a.get("storage_key")]
            if (meta or {}).get("raw_key"):
                raw.append(meta["raw_key"])
        counts = {
            "identities": _rows(await s.execute(delete(Identity).where(Identity.customer_id == customer_id))),
            "messages": _rows(
                await s.execute(
                    update(Interaction)
                    .where(Interaction.customer_id == customer_id)
                    .values(text=ERASED, html=None, meta={}, attachments=[], delivery_error=None)
                )
            ),
            "history": _rows(
                await s.execute(
                    update(HistoryEntry).where(HistoryEntry.customer_id == customer_id).values(summary=ERASED)
                )
            ),
            "tickets_closed": int(open_tickets or 0),
        }  # fmt: skip
        await s.execute(
            update(Ticket)
            .where(Ticket.customer_id == customer_id, Ticket.status.in_(ACTIVE))
            .values(status=Status.CLOSED.value, offer_expires_at=None, updated_at=now)
        )
        await s.execute(update(Ticket).where(Ticket.customer_id == customer_id).values(subject=ERASED, tags=[]))
        await s.execute(delete(CustomerKey).where(CustomerKey.customer_id == customer_id))
        customer.display_name = f"erased customer {customer_id}"
        customer.attributes = {"erased_at": now.isoformat()}
        audit.record(s, actor, "customer.erased", "customer", customer_id, **counts)
        return Erased(customer_id, counts, files, raw)
