"""Links between tickets: related ones, or a parent and its children (one problem, many reports of it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents.accounts import Principal
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Ticket
from hub.events import TicketUpdated
from hub.events.snapshots import TicketSnapshot
from hub.tickets.locking import load_ticket
from hub.tickets.moving import record
from hub.tickets.refusals import ReplyError, TicketNotFound
from hub.tickets.tables import TicketLink

# As seen from the ticket asked about: "parent" means the other ticket is this one's parent.
KINDS = ("related", "parent", "child")


class LinkExists(ReplyError):
    """The two tickets are linked already (409)."""


@dataclass(frozen=True, slots=True)
class Link:
    ticket_id: int  # the other ticket
    kind: str  # what the other ticket is to this one
    subject: str
    status: str
    created_by: str
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "ticket_id": self.ticket_id,
            "kind": self.kind,
            "subject": self.subject,
            "status": self.status,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
        }


def _stored(this: int, other: int, kind: str) -> tuple[int, int, str]:
    """(from_id, to_id, kind) as kept: related lower id first, parent to child."""
    if kind == "related":
        return min(this, other), max(this, other), "related"
    return (other, this, "parent") if kind == "parent" else (this, other, "parent")


def _between(a: int, b: int) -> Any:
    return or_(
        and_(TicketLink.from_id == a, TicketLink.to_id == b), and_(TicketLink.from_id == b, TicketLink.to_id == a)
    )


async def link_in(s: AsyncSession, this: Ticket, other: Ticket, kind: str, actor: Principal, now: datetime) -> None:
    """Link two tickets in the caller's transaction; audited and on both timelines."""
    if this.id == other.id:
        raise ReplyError("a ticket cannot be linked to itself")
    if await s.scalar(select(TicketLink.id).where(_between(this.id, other.id))) is not None:
        raise LinkExists(
            "tickets %(ticket)s and %(other)s are linked already; remove that link first",
            ticket=this.id,
            other=other.id,
        )
    from_id, to_id, stored = _stored(this.id, other.id, kind)
    s.add(TicketLink(from_id=from_id, to_id=to_id, kind=stored, created_by=actor.name, created_at=now))
    seen_from_other = {"related": "related", "parent": "child", "child": "parent"}[kind]
    await record(
        s, this, actor, now, "ticket.linked", f"#{other.id} linked as {kind} by {actor.name}", other=other.id, kind=kind
    )
    await record(
        s,
        other,
        actor,
        now,
        "ticket.linked",
        f"#{this.id} linked as {seen_from_other} by {actor.name}",
        other=this.id,
        kind=seen_from_other,
    )


async def add_link(db: Database, ticket_id: int, other_id: int, kind: str, actor: Principal) -> list[Link]:
    """Link `other_id` to `ticket_id` as `kind` (KINDS); this ticket's links after. TicketNotFound, ReplyError."""
    if kind not in KINDS:
        raise ReplyError("kind is one of %(kinds)s", kinds=", ".join(KINDS))
    now = utcnow()
    async with db.write() as uow:
        s = uow.session
        this, this_customer, this_queue = await load_ticket(s, ticket_id)
        other, other_customer, other_queue = await load_ticket(s, other_id)
        await link_in(s, this, other, kind, actor, now)
        try:
            await s.flush()
        except IntegrityError:  # the same link made at the same moment by someone else
            raise LinkExists(
                "tickets %(ticket)s and %(other)s are linked already", ticket=ticket_id, other=other_id
            ) from None
        uow.emit(TicketUpdated(TicketSnapshot.of(this, this_customer, this_queue), ("links",)))
        uow.emit(TicketUpdated(TicketSnapshot.of(other, other_customer, other_queue), ("links",)))
        return await links_of(s, ticket_id)


async def remove_link(db: Database, ticket_id: int, other_id: int, actor: Principal) -> list[Link]:
    """Unlink two tickets, whichever way they were linked; TicketNotFound when they were not."""
    now = utcnow()
    async with db.write() as uow:
        s = uow.session
        link = await s.scalar(select(TicketLink).where(_between(ticket_id, other_id)))
        if link is None:
            raise TicketNotFound("tickets %(ticket)s and %(other)s are not linked", ticket=ticket_id, other=other_id)
        this, this_customer, this_queue = await load_ticket(s, ticket_id)
        other, other_customer, other_queue = await load_ticket(s, other_id)
        await s.delete(link)
        for one, two in ((this, other), (other, this)):
            await record(
                s, one, actor, now, "ticket.unlinked", f"link to #{two.id} removed by {actor.name}", other=two.id
            )
        await s.flush()
        uow.emit(TicketUpdated(TicketSnapshot.of(this, this_customer, this_queue), ("links",)))
        uow.emit(TicketUpdated(TicketSnapshot.of(other, other_customer, other_queue), ("links",)))
        return await links_of(s, ticket_id)


async def links_of(s: AsyncSession, ticket_id: int) -> list[Link]:
    """This ticket's links, each as what the other ticket is to it, oldest first."""
    rows = await s.execute(
        select(TicketLink, Ticket.id, Ticket.subject, Ticket.status)
        .join(
            Ticket,
            or_(
                and_(TicketLink.from_id == ticket_id, Ticket.id == TicketLink.to_id),
                and_(TicketLink.to_id == ticket_id, Ticket.id == TicketLink.from_id),
            ),
        )
        .order_by(TicketLink.created_at, TicketLink.id)
    )
    found = []
    for link, other_id, subject, status in rows:
        kind = link.kind if link.kind == "related" else ("child" if link.from_id == ticket_id else "parent")
        found.append(Link(other_id, kind, subject, status, link.created_by, link.created_at))
    return found
