"""Ticket states and the moves between them, and threading of a new contact onto a ticket."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, bindparam, case, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.customers.tiers import PRIORITIES

# The states live with the tickets table, where the customer domain reads them too; the ticket domain's
# modules take them from here, beside the transitions between them.
from hub.db.models import ACTIVE as ACTIVE
from hub.db.models import Queue, Ticket
from hub.db.models import Status as Status
from hub.wording import Worded

# closed is final: a later contact starts a new ticket instead of reviving a closed one.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.OPEN, Status.PENDING, Status.SOLVED, Status.CLOSED}),
    Status.OPEN: frozenset({Status.PENDING, Status.SOLVED, Status.CLOSED}),
    Status.PENDING: frozenset({Status.OPEN, Status.SOLVED, Status.CLOSED}),
    Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


# Merges never make a cycle (a closed ticket takes no merge), and chains stay short; a bound all the same.
MAX_MERGE_HOPS = 8


class InvalidTransition(Worded, ValueError):
    """A status a ticket cannot take from the one it has (409 over the API)."""


def transition(ticket: Ticket, target: Status, now: datetime) -> None:
    current = Status(ticket.status)
    if current == target:
        return
    if target not in TRANSITIONS[current]:
        raise InvalidTransition(
            "a %(current)s ticket cannot become %(target)s", current=current.value, target=target.value
        )
    ticket.status = target.value
    ticket.solved_at = now if target == Status.SOLVED else (ticket.solved_at if target == Status.CLOSED else None)


class ThreadAction(enum.StrEnum):
    REUSE = "reuse"
    REOPEN = "reopen"
    NEW = "new"


@dataclass(frozen=True, slots=True)
class ThreadDecision:
    action: ThreadAction
    ticket: Ticket | None


async def choose_thread(
    session: AsyncSession,
    *,
    customer_id: int,
    channel: str,
    hint_ticket_id: int | None,
    now: datetime,
    reopen_window: timedelta,
    continue_latest: bool = True,
) -> ThreadDecision:
    """Reuse the open ticket, reopen a recently solved one, or ask for a new one."""
    if hint_ticket_id is not None:
        hinted = await session.get(Ticket, hint_ticket_id)
        for _hop in range(MAX_MERGE_HOPS):  # a merged ticket points to where its conversation went on
            if hinted is None or hinted.merged_into_id is None:
                break
            hinted = await session.get(Ticket, hinted.merged_into_id)
        # A hint only counts for the same customer; anything else could leak into a stranger's ticket.
        if hinted is not None and hinted.customer_id == customer_id:
            decision = _decide(hinted, now, reopen_window)
            if decision is not None:
                return decision
    latest = (
        await session.scalar(_LATEST_UNCLOSED, {"customer_id": customer_id, "channel": channel})
        if continue_latest
        else None
    )
    if latest is not None:
        decision = _decide(latest, now, reopen_window)
        if decision is not None:
            return decision
    return ThreadDecision(ThreadAction.NEW, None)


_LATEST_UNCLOSED = (
    select(Ticket)
    .where(
        Ticket.customer_id == bindparam("customer_id"),
        Ticket.channel == bindparam("channel"),
        Ticket.status != Status.CLOSED,
    )
    .order_by(Ticket.last_message_at.desc(), Ticket.id.desc())
    .limit(1)
)


def _decide(ticket: Ticket, now: datetime, reopen_window: timedelta) -> ThreadDecision | None:
    if ticket.status in ACTIVE:
        return ThreadDecision(ThreadAction.REUSE, ticket)
    if ticket.status == Status.SOLVED and ticket.solved_at and now - ticket.solved_at <= reopen_window:
        return ThreadDecision(ThreadAction.REOPEN, ticket)
    return None


def priority_order() -> ColumnElement[int]:
    """SQL ordering key: urgent first, unknown priorities last."""
    return case({p: i for i, p in enumerate(PRIORITIES)}, value=Ticket.priority, else_=len(PRIORITIES))


def subject_from_text(text: str, limit: int = 120) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


async def queue_by_name(session: AsyncSession, name: str) -> Queue:
    queue = await session.scalar(select(Queue).where(Queue.name == name))
    if queue is None:
        raise LookupError(f"queue {name!r} does not exist; run `hub db upgrade` after configuring it")
    return queue
