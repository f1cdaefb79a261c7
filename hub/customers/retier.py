"""A customer's tier changed (link, merge, override, value rules): their open tickets follow, in both directions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from hub.agents import audit
from hub.customers import history
from hub.customers.tiers import priority_for, sla_due
from hub.db.engine import UnitOfWork
from hub.db.models import ACTIVE, Customer, Queue, Ticket
from hub.events import TicketUpdated
from hub.events.snapshots import TicketSnapshot

CHANGES = ("tier", "priority", "first_response_due_at", "resolution_due_at", "assignment")


@dataclass(frozen=True, slots=True)
class TierTable:
    """The tiers as configured (config/routing.toml), most valuable first, with their SLA minutes per channel;
    the hub's default targets where a tier sets none (as for a new ticket)."""

    names: tuple[str, ...]
    sla_minutes: Callable[[str, str], tuple[int | None, int | None]]
    default_first_response: timedelta
    default_resolution: timedelta

    def rank(self, tier: str) -> int:
        """0 for the most valuable; tiers not configured rank below every configured one."""
        return self.names.index(tier) if tier in self.names else len(self.names)

    def higher(self, a: str, b: str) -> str:
        return a if self.rank(a) <= self.rank(b) else b

    def due(self, tier: str, channel: str, created: datetime) -> tuple[datetime, datetime]:
        first, resolution = self.sla_minutes(tier, channel)
        return sla_due(
            created,
            timedelta(minutes=first) if first else self.default_first_response,
            timedelta(minutes=resolution) if resolution else self.default_resolution,
        )


async def retier(
    uow: UnitOfWork,
    customer: Customer,
    before: str,
    table: TierTable,
    *,
    why: str,
    now: datetime,
    ticket_ids: Sequence[int] | None = None,
) -> list[int]:
    """Open tickets of `customer` (or these of them) that were served as `before` now serve its current tier:
    priority (unless a person set another), SLA clocks from the ticket's start, the routing reasons, a
    history line each, and ticket.updated (routing looks again at the ones still waiting). Solved and
    closed tickets keep what they were measured by."""
    after = customer.tier
    if before == after or (ticket_ids is not None and not ticket_ids):
        return []
    query = (
        select(Ticket, Queue.name)
        .join(Queue, Queue.id == Ticket.queue_id)
        .where(Ticket.customer_id == customer.id, Ticket.status.in_(ACTIVE))
        .order_by(Ticket.id)
    )
    if ticket_ids is not None:
        query = query.where(Ticket.id.in_(list(ticket_ids)))
    done = []
    for ticket, queue in (await uow.session.execute(query)).all():
        if ticket.priority == priority_for(before):  # the tier's priority, not one a supervisor chose
            ticket.priority = priority_for(after)
        first_due, resolution_due = table.due(after, ticket.channel, ticket.created_at)
        if ticket.first_responded_at is None:  # an answered first response was measured by the old target
            ticket.first_response_due_at = first_due
        ticket.resolution_due_at = resolution_due
        line = f"customer tier {before} → {after} ({why}): priority {ticket.priority}"
        if ticket.first_responded_at is None:
            line += f", first response due {first_due:%Y-%m-%d %H:%M} UTC"
        assignment = dict(ticket.assignment or {})
        assignment["tier"] = after
        assignment["reasons"] = [*(assignment.get("reasons") or []), line]
        ticket.assignment = assignment
        ticket.updated_at = now
        await history.record(uow.session, customer_id=customer.id, kind="ticket.tier", at=now, summary=line,
                             channel=ticket.channel, ticket_id=ticket.id)  # fmt: skip
        uow.emit(TicketUpdated(TicketSnapshot.of(ticket, customer, queue), CHANGES))
        done.append(ticket.id)
    if ticket_ids is None:  # the customer's own tier moved (a merge is audited as customer.merged)
        audit.record(uow.session, None, "customer.tier_changed", "customer", customer.id, before=before, after=after,
                     why=why, tickets=done)  # fmt: skip
    await uow.session.flush()
    return done
