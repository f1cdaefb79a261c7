"""One routing decision made durable: the ticket assigned or offered to the chosen agent by one conditional UPDATE
that checks their capacity in SQL, or left waiting with its reasons (the batch's reads and notes: rows.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents import audit
from hub.db.models import HISTORY, TICKETS, Agent, Ticket
from hub.routing import offers
from hub.routing.rows import AnyTicket, RoutedTicket, is_active
from hub.tickets.model import ACTIVE

_T = TICKETS
_OTHER = _T.alias("other")
# Built once (Core, not ORM: no per-call unit-of-work work): the ticket is given to the agent only if it is
# still unowned and active and the agent's active tickets on its channel are fewer than their capacity.
_CLAIM = (
    update(_T)
    .where(
        _T.c.id == bindparam("b_ticket"),
        _T.c.assignee_id.is_(None),
        is_active(_T.c.status),
        select(func.count())
        .select_from(_OTHER)
        .where(
            _OTHER.c.assignee_id == bindparam("b_agent"),
            _OTHER.c.channel == bindparam("b_channel"),
            is_active(_OTHER.c.status),
        )
        .scalar_subquery()
        < bindparam("b_capacity"),
    )
    .values(
        assignee_id=bindparam("b_agent"),
        offer_expires_at=bindparam("b_expires"),
        assignment=bindparam("b_assignment", type_=_T.c.assignment.type),
        requirements=bindparam("b_requirements", type_=_T.c.requirements.type),  # derived in this batch, maybe
        updated_at=bindparam("b_updated"),
    )
    .returning(_T.c.id)
)
_LOCK_AGENT = select(Agent.id).where(Agent.id == bindparam("b_agent")).with_for_update()


async def claim(s: AsyncSession, ticket: RoutedTicket, values: dict[str, Any], capacity: int, lock: bool) -> bool:
    """Give the ticket to `values["assignee_id"]` if it is still unowned and the agent still has room on its
    channel, counted in the same statement; False if either changed since the roster was read.

    On PostgreSQL the agent's row is locked first: under READ COMMITTED a statement counts from the snapshot
    it started with, so only a count taken after the lock sees what another router committed for that agent.
    (SQLite has one writer: the statement alone is exact.)"""
    agent_id = values["assignee_id"]
    if lock:
        await s.execute(_LOCK_AGENT, {"b_agent": agent_id})
    params = {"b_ticket": ticket.id, "b_agent": agent_id, "b_channel": ticket.channel, "b_capacity": capacity,
              "b_expires": values["offer_expires_at"], "b_assignment": values["assignment"],
              "b_updated": values["updated_at"], "b_requirements": ticket.requirements}  # fmt: skip
    if (await s.execute(_CLAIM, params)).first() is None:
        return False
    ticket.row.update(values)
    ticket.dirty = False  # its requirements were written with the claim
    return True


async def load_now(s: AsyncSession, agent_id: int, channel: str) -> int:
    """The agent's active tickets on the channel (after a refused claim: the roster's count was stale)."""
    load = await s.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(Ticket.assignee_id == agent_id, Ticket.channel == channel, Ticket.status.in_(ACTIVE))
    )
    return load or 0


def leave_waiting(ticket: AnyTicket, now: datetime, reasons: list[str], again: datetime | None) -> bool:
    """Note why the ticket still waits; False when it waits for the same reasons (nothing new to store)."""
    if ticket.assignment.get("reasons") == reasons:
        return False
    kept = {k: v for k, v in ticket.assignment.items() if k != "reoffer_at"}
    ticket.assignment = {**kept, "agent_id": None, "by": "routing", "at": now.isoformat(),
                         "state": offers.WAITING, "reasons": reasons,
                         **({"reoffer_at": again.isoformat()} if again else {})}  # fmt: skip
    return True


def hand_over(
    ticket: AnyTicket, agent_id: int, offer_s: int | None, now: datetime, reasons: list[str]
) -> dict[str, Any]:
    """The columns of the offer (when its channel has an offer time) or assignment, for `claim`."""
    if offer_s:
        values = offers.offer_values(ticket, agent_id, offer_s, now, reasons)
    else:
        values = offers.assign_values(ticket, agent_id, now, reasons)
    return {**values, "updated_at": now}


def record(
    s: AsyncSession, ticket: Ticket, agent_id: int, offered: bool, now: datetime, reasons: list[str]
) -> dict[str, Any]:
    """Audit the hand-over now (the session inserts audit rows in bulk) and return its timeline row."""
    row = audit_row(ticket.id, agent_id, offered, reasons)
    audit.record(s, None, row["action"], "ticket", ticket.id, **row["details"])
    return timeline_row(ticket, agent_id, offered, now, reasons)


def audit_row(ticket_id: int, agent_id: int, offered: bool, reasons: list[str]) -> dict[str, Any]:
    """The hand-over's audit row, as hub.agents.audit.record writes it for the system (see rows.write_audit)."""
    action = "ticket.offered" if offered else "ticket.assigned"
    return {"actor_kind": "system", "actor_id": None, "action": action, "target_kind": "ticket",
            "target_id": ticket_id, "details": {"agent_id": agent_id, "reasons": reasons}}  # fmt: skip


def timeline_row(ticket: AnyTicket, agent_id: int, offered: bool, now: datetime, reasons: list[str]) -> dict[str, Any]:
    """The customer's timeline row of the hand-over (see write_timeline)."""
    action = "ticket.offered" if offered else "ticket.assigned"
    how = f"{'offered' if offered else 'routed'} to agent {agent_id}"
    summary = f"{how}: {reasons[-1]}" if reasons else how
    return {"customer_id": ticket.customer_id, "occurred_at": now, "kind": action, "channel": ticket.channel,
            "ticket_id": ticket.id, "interaction_id": None, "summary": summary[:300]}  # fmt: skip


async def write_timeline(s: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """The customers' timeline rows of a batch of hand-overs, in one statement."""
    if rows:
        await s.execute(insert(HISTORY), rows)
