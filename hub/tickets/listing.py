"""Ticket lists in inbox order (most urgent, then longest waiting), paged by a cursor, at help-desk scale.

The order is (priority rank, last_message_at, id); the database computes the rank from the priority
(tickets.priority_rank, revision 0018), so one index holds (status, priority_rank, last_message_at, id) and a
page is one statement: one branch per status, each an index range read in order and cut at the page size,
merged by the outer ORDER BY. A page costs the same at the millionth ticket as at the first (a cursor, not
OFFSET, for deep pages), and filters (queue, channel, assignee, tier, tag, customer) ride along in every branch.

Finished work reads better newest first: order "recent" is (last_message_at, id) descending, on indexes of its own
(revision 0021), paged the same way.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Index,
    Integer,
    String,
    and_,
    bindparam,
    exists,
    func,
    literal,
    select,
    tuple_,
    type_coerce,
    union_all,
)

from hub.clock import utcnow
from hub.customers.tiers import PRIORITIES
from hub.db.models import Queue, Status, Ticket
from hub.tickets.sla import breached
from hub.wording import Worded

# Registered with the tickets table (revision 0018 makes them): the inbox, a queue's and an agent's.
_ORDER = (Ticket.status, Ticket.priority_rank, Ticket.last_message_at, Ticket.id)
INBOX_INDEXES = (
    Index("ix_tickets_inbox", *_ORDER),
    Index("ix_tickets_queue_inbox", Ticket.queue_id, *_ORDER),
    Index("ix_tickets_assignee_inbox", Ticket.assignee_id, *_ORDER),
    Index("ix_tickets_tier_inbox", Ticket.customer_tier, *_ORDER),  # revision 0019: a tier's list
)
ODD = len(PRIORITIES)  # the rank of a priority outside the known ones: listed last
# Revision 0021: solved and closed work, newest first (everyone's, and an agent's own).
RECENT_INDEXES = (
    Index("ix_tickets_recent", Ticket.status, Ticket.last_message_at, Ticket.id),
    Index("ix_tickets_assignee_recent", Ticket.assignee_id, Ticket.status, Ticket.last_message_at, Ticket.id),
)
ORDERS = ("inbox", "recent")  # most urgent then longest waiting; most recently active first


class BadCursor(ValueError):
    """A cursor this server did not hand out (or for another order)."""


class UnknownCursor(BadCursor, Worded):
    """A cursor no list handed out: worded, so a Chinese reader is refused in Chinese as everywhere else."""

    def __init__(self) -> None:
        Worded.__init__(self, "cursor is not one this list handed out")


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page ended: the last ticket's place in the order."""

    rank: int
    last_message_at: datetime
    id: int
    order: str = "inbox"

    def encode(self) -> str:
        place: list[object] = [self.rank, self.last_message_at.isoformat(), self.id]
        raw = json.dumps(place if self.order == "inbox" else [*place, self.order]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str, order: str = "inbox") -> Position:
        """Raises BadCursor for a cursor this server did not hand out, or one from a list in another order."""
        try:
            rank, at, ticket_id, *rest = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            position = cls(int(rank), datetime.fromisoformat(at), int(ticket_id), str(rest[0]) if rest else "inbox")
        except (ValueError, TypeError) as exc:
            raise UnknownCursor() from exc
        if not 0 <= position.rank <= ODD or position.last_message_at.tzinfo is None or len(rest) > 1:
            raise UnknownCursor()
        if position.order != order:
            raise BadCursor(f"cursor is from a list in {position.order} order, not {order}")
        return position


def rank_of(priority: str) -> int:
    return PRIORITIES.index(priority) if priority in PRIORITIES else ODD


def tag_condition(dialect: str) -> ColumnElement[bool]:
    """The ticket carries the tag bound as :tag (tags are a JSON list)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import JSONB  # the dialect's module: loaded on PostgreSQL only

        return type_coerce(Ticket.tags, JSONB).contains(bindparam("tag_list", type_=JSONB))
    # SQLite keeps the list as JSON text: finding the tag's JSON string in it is a cheap first test; json_each
    # then checks it is an element (and not part of a longer one).
    each = func.json_each(Ticket.tags).table_valued("value")
    element = exists(select(literal(1)).select_from(each).where(each.c.value == bindparam("tag", type_=String)))
    return and_(func.instr(Ticket.tags, bindparam("tag_json", type_=String)) > 0, element)


def _branches(statuses: Sequence[str], filters: list[ColumnElement[bool]], after: bool, order: str) -> list[Any]:
    """One branch per status, an index range read in the list's order from the cursor on (a row-value
    comparison both engines read as an index range), cut at the page size."""
    recent = order == "recent"
    keys = (Ticket.last_message_at, Ticket.id) if recent else (Ticket.priority_rank, Ticket.last_message_at, Ticket.id)
    at = (bindparam("after_at", type_=Ticket.last_message_at.type), bindparam("after_id", type_=Integer))
    past = (
        tuple_(*keys) < tuple_(*at) if recent else tuple_(*keys) > tuple_(bindparam("after_rank", type_=Integer), *at)
    )
    branches = []
    for status in statuses:
        where = [Ticket.status == status, *filters, *([past] if after else [])]
        branch = select(Ticket.id, Ticket.priority_rank.label("rank"), Ticket.last_message_at).where(*where)
        ordered = branch.order_by(*(k.desc() for k in keys) if recent else keys)
        branches.append(ordered.limit(bindparam("take", type_=Integer)).subquery().select())
    return branches


@lru_cache(maxsize=512)
def page_ids(
    statuses: tuple[str, ...], filters: tuple[str, ...], after_rank: int | None, dialect: str, order: str = "inbox"
) -> Any:
    """One statement for the ids of a page, in the list's order, built once per shape (building the branches
    costs more than running them): values come as parameters (filter_params, take, limit, offset, after_at,
    after_id). No status filter lists every status."""
    chosen = list(statuses) or list(Status)
    merged = union_all(*_branches(chosen, _conditions(filters, dialect), after_rank is not None, order)).subquery()
    c = merged.c
    keys = (c.last_message_at.desc(), c.id.desc()) if order == "recent" else (c.rank, c.last_message_at, c.id)
    return (
        select(c.id, c.rank)
        .order_by(*keys)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )


def page_params(after: Position | None, limit: int, offset: int) -> dict[str, Any]:
    at = {"after_rank": after.rank, "after_at": after.last_message_at, "after_id": after.id} if after else {}
    return {"take": limit + offset, "limit": limit, "offset": offset, **at}


FILTERS = ("queue", "channel", "assignee_id", "unassigned", "customer_id", "tier", "tag", "sla_breached")


def filter_params(values: dict[str, Any]) -> tuple[tuple[str, ...], dict[str, Any]]:
    """(the filters given, their parameters) from {name: value or None}; unassigned is a flag."""
    given = tuple(name for name in FILTERS if values.get(name) not in (None, "", False))
    params = {name: values[name] for name in given if name not in ("unassigned", "sla_breached")}
    if "sla_breached" in given:
        params["sla_now"] = utcnow()  # a due time passed by now counts (hub/tickets/sla.py)
    if "tag" in params:
        params["tag_list"], params["tag_json"] = [params["tag"]], json.dumps(params["tag"])
    return given, params


@lru_cache(maxsize=256)
def conditions(filters: tuple[str, ...], dialect: str) -> tuple[ColumnElement[bool], ...]:
    return tuple(_conditions(filters, dialect))


def _conditions(filters: tuple[str, ...], dialect: str) -> list[ColumnElement[bool]]:
    """The list's filters as conditions on tickets alone (the queue by subquery), for any branch; their
    values are bound by name (filter_params)."""
    made: dict[str, ColumnElement[bool]] = {
        "queue": Ticket.queue_id == select(Queue.id).where(Queue.name == bindparam("queue")).scalar_subquery(),
        "channel": Ticket.channel == bindparam("channel"),
        "assignee_id": Ticket.assignee_id == bindparam("assignee_id", type_=Integer),
        "unassigned": Ticket.assignee_id.is_(None),
        "customer_id": Ticket.customer_id == bindparam("customer_id", type_=Integer),
        "tier": Ticket.customer_tier == bindparam("tier"),
        "sla_breached": breached(bindparam("sla_now")),
    }
    return [tag_condition(dialect) if name == "tag" else made[name] for name in filters]
