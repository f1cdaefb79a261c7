"""One routing decision made durable: the ticket read in lock order, the chosen agent locked and recounted,
then the ticket assigned or offered to them, or left waiting with its reasons."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents import audit
from hub.customers import history
from hub.db.models import Agent, Customer, Ticket
from hub.routing import offers
from hub.routing.roster import Roster
from hub.tickets.model import ACTIVE


async def load_routable(s: AsyncSession, ticket_id: int, lock: bool) -> tuple[Ticket, Customer] | None:
    """The ticket and its customer if it still waits for an owner (active, unassigned); else None."""
    # Lock order everywhere: customer, then ticket, then agent (ingest locks the customer first too;
    # taking the ticket first here deadlocked against a message arriving on it).
    if lock:
        customer_id = await s.scalar(select(Ticket.customer_id).where(Ticket.id == ticket_id))
        if customer_id is None:
            return None
        customer = await s.get_one(Customer, customer_id, with_for_update=True)
        ticket = await s.get(Ticket, ticket_id, with_for_update=True)
    else:  # one writer at a time: nothing to lock, so one query
        row = (
            await s.execute(
                select(Ticket, Customer).join(Customer, Customer.id == Ticket.customer_id).where(Ticket.id == ticket_id)
            )
        ).first()
        if row is None:
            return None
        ticket, customer = row
    if ticket is None or ticket.assignee_id is not None or ticket.status not in ACTIVE:
        return None
    return ticket, customer


async def load_now(s: AsyncSession, agent_id: int, channel: str, lock: bool) -> int:
    """The agent's active tickets on the channel, counted with their row locked: another decider may have
    filled them since the roster was read. (SQLite has one writer, so the count alone is exact there.)"""
    if lock:
        await s.get(Agent, agent_id, with_for_update=True)
    load = await s.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(Ticket.assignee_id == agent_id, Ticket.channel == channel, Ticket.status.in_(ACTIVE))
    )
    return load or 0


def capacity_of(roster: Roster, agent_id: int, channel: str, default: dict[str, int]) -> int:
    chosen = next(p for p, _ in roster if p.id == agent_id)
    return chosen.capacity.get(channel, default.get(channel, 1))


def leave_waiting(ticket: Ticket, now: datetime, reasons: list[str], again: datetime | None) -> bool:
    """Note why the ticket still waits; False when it waits for the same reasons (nothing new to store)."""
    if ticket.assignment.get("reasons") == reasons:
        return False
    kept = {k: v for k, v in ticket.assignment.items() if k != "reoffer_at"}
    ticket.assignment = {**kept, "agent_id": None, "by": "routing", "at": now.isoformat(),
                         "state": offers.WAITING, "reasons": reasons,
                         **({"reoffer_at": again.isoformat()} if again else {})}  # fmt: skip
    return True


async def hand_over(
    s: AsyncSession, ticket: Ticket, agent_id: int, offer_s: int | None, now: datetime, reasons: list[str]
) -> None:
    """Offer the ticket (when its channel has an offer time) or assign it, audited and on the customer's timeline."""
    if offer_s:
        offers.make_offer(ticket, agent_id, offer_s, now, reasons)
    else:
        offers.assign(ticket, agent_id, now, reasons)
    ticket.updated_at = now
    action = "ticket.offered" if offer_s else "ticket.assigned"
    audit.record(s, None, action, "ticket", ticket.id, agent_id=agent_id, reasons=reasons)
    how = f"{'offered' if offer_s else 'routed'} to agent {agent_id}"
    await history.record(
        s,
        customer_id=ticket.customer_id,
        kind=action,
        at=now,
        channel=ticket.channel,
        ticket_id=ticket.id,
        summary=f"{how}: {reasons[-1]}" if reasons else how,
    )
