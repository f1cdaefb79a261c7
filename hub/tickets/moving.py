"""Messages moving from one ticket to another (a merge, a split), with everything that points at them: their
timeline lines, their calls, their search words; and who may rework tickets that way."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, bindparam, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents import audit
from hub.agents.accounts import Principal
from hub.customers import history
from hub.customers.search_index import is_sqlite
from hub.db.models import HISTORY, INTERACTIONS, Interaction, Ticket, VoiceCall
from hub.events.snapshots import InteractionSnapshot
from hub.tickets.model import Status
from hub.tickets.refusals import NotAllowed, ReplyError

CHUNK = 500  # ids per statement: well inside every driver's limit on bound parameters
# Message rows of the search index are keyed by the interaction's id: rowid in SQLite's FTS5 table, id in
# PostgreSQL's (hub/customers/search_index.py).
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_MOVE_WORDS = {
    True: text("UPDATE ticket_words SET ticket_id = :ticket_id WHERE rowid IN :ids").bindparams(_IDS),
    False: text("UPDATE ticket_words SET ticket_id = :ticket_id WHERE id IN :ids").bindparams(_IDS),
}


class TicketClosed(ReplyError):
    """A closed (or merged) ticket is neither merged nor split (409)."""


def check_may_rework(actor: Principal, *tickets: Ticket) -> None:
    """Supervisors merge and split any tickets; an agent only their own and unowned ones (taking messages
    from a colleague's ticket is a supervisor's call, as reassigning it is)."""
    if actor.has_role("supervisor"):
        return
    for ticket in tickets:
        if ticket.assignee_id is not None and ticket.assignee_id != actor.agent_id:
            raise NotAllowed(
                "ticket %(ticket)s belongs to another agent: only supervisors merge or split others' tickets",
                ticket=ticket.id,
            )


def check_not_closed(ticket: Ticket) -> None:
    if ticket.merged_into_id is not None:
        raise TicketClosed(
            "ticket %(ticket)s was merged into ticket %(target)s; use that one",
            ticket=ticket.id,
            target=ticket.merged_into_id,
        )
    if ticket.status == Status.CLOSED:
        raise TicketClosed("ticket %(ticket)s is closed; closed tickets are neither merged nor split", ticket=ticket.id)


async def move_interactions(s: AsyncSession, interaction_ids: Sequence[int], to_ticket_id: int) -> None:
    """These messages (with their attachments), their timeline lines, calls and search words, to another ticket."""
    for start in range(0, len(interaction_ids), CHUNK):
        chunk = list(interaction_ids[start : start + CHUNK])
        values: dict[str, Any] = {"ticket_id": to_ticket_id}
        await s.execute(update(INTERACTIONS).where(INTERACTIONS.c.id.in_(chunk)).values(values))
        await s.execute(update(HISTORY).where(HISTORY.c.interaction_id.in_(chunk)).values(values))
        await s.execute(
            update(VoiceCall).where(VoiceCall.interaction_id.in_(chunk)).values(values),
            execution_options={"synchronize_session": False},
        )
        await s.execute(_MOVE_WORDS[is_sqlite(s)], {"ticket_id": to_ticket_id, "ids": chunk})


async def system_line(
    s: AsyncSession, ticket: Ticket, words: str, actor: Principal, now: datetime, **meta: Any
) -> InteractionSnapshot:
    """A line in the ticket's conversation saying what was done to it (neither the customer's nor a reply)."""
    line = Interaction(
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        direction="system",
        channel=ticket.channel,
        author_agent_id=actor.agent_id,
        text=words,
        meta={"author": actor.name, "via": actor.kind, **meta},
        attachments=[],
        created_at=now,
    )
    s.add(line)
    await s.flush()
    return InteractionSnapshot.of(line)


async def record(
    s: AsyncSession, ticket: Ticket, actor: Principal, now: datetime, action: str, summary: str, **details: Any
) -> None:
    """The audit entry and the timeline line of one rework on one ticket."""
    audit.record(s, actor, action, "ticket", ticket.id, **details)
    await history.record(s, customer_id=ticket.customer_id, kind=action, at=now, summary=summary,
                         channel=ticket.channel, ticket_id=ticket.id)  # fmt: skip
