"""What the customers list shows beside each name: when they last got in touch and how many tickets are open."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import ACTIVE, Ticket


async def roster_facts(session: AsyncSession, customer_ids: list[int]) -> dict[int, dict[str, Any]]:
    """{customer id: {"last_contact_at", "open_tickets"}} for a page of customers, in one statement (their
    tickets by ix_tickets_customer_channel). Customers without a ticket are left out."""
    if not customer_ids:
        return {}
    open_ones = func.sum(case((Ticket.status.in_(ACTIVE), 1), else_=0))
    stmt = (
        select(Ticket.customer_id, func.max(Ticket.last_message_at), open_ones)
        .where(Ticket.customer_id.in_(customer_ids))
        .group_by(Ticket.customer_id)
    )
    return {
        customer_id: {"last_contact_at": last.isoformat() if last else None, "open_tickets": int(n or 0)}
        for customer_id, last, n in await session.execute(stmt)
    }


def with_facts(listed: list[dict[str, Any]], facts: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """The list's entries with their facts (none yet: no contact, no open ticket)."""
    nothing = {"last_contact_at": None, "open_tickets": 0}
    return [{**entry, **facts.get(entry["id"], nothing)} for entry in listed]
