"""New tickets routed in a batch read their customers' first messages in one query, and derive the same skills and
language as a ticket read alone."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, select, update

from hub.agents.presence import Presence
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Customer, Interaction, Queue, Ticket
from hub.routing.config import _matcher, load_routing
from hub.routing.engine import RoutingEngine
from hub.routing.requests import derive_requirements

CONFIG = load_routing(Path(__file__).resolve().parents[2] / "config" / "routing.toml")

# (subject, messages in order as (direction, text)): the first inbound one is what routing reads.
TICKETS: list[tuple[str, list[tuple[str, str]]]] = [
    ("", [("inbound", "我要退款，订单 A1029 还没到"), ("inbound", "the app shows an error")]),
    ("Invoice", [("outbound", "How can we help?"), ("inbound", "I was charged twice")]),
    ("Question", [("inbound", "The app shows an error, this is unacceptable")]),
    ("投诉", []),  # no message yet: the subject alone
    ("", [("inbound", "hello")]),
]


async def waiting_tickets(db: Database) -> list[int]:
    now = utcnow()
    async with db.write() as uow:
        s = uow.session
        queue = await s.scalar(insert(Queue).values(name="batch", display_name="batch").returning(Queue.id))
        ids: list[int] = []
        for n, (subject, messages) in enumerate(TICKETS):
            customer = await s.scalar(
                insert(Customer).values(display_name=f"c{n}", tier="general", attributes={}).returning(Customer.id)
            )
            ticket = await s.scalar(
                insert(Ticket)
                .values(customer_id=customer, subject=subject, status="new", priority="normal", channel="sms",
                        queue_id=queue, tags=[], assignment={}, requirements={}, created_at=now, updated_at=now,
                        last_message_at=now)
                .returning(Ticket.id)
            )  # fmt: skip
            for direction, text in messages:
                await s.execute(
                    insert(Interaction).values(ticket_id=ticket, customer_id=customer, direction=direction,
                                               channel="sms", text=text)
                )  # fmt: skip
            assert ticket is not None
            ids.append(ticket)
    return ids


async def test_a_batch_reads_first_messages_once_and_derives_as_one_ticket_does(db: Database) -> None:
    ids = await waiting_tickets(db)
    async with db.read() as s:  # what each ticket asks when read alone (one query for its first message)
        alone = {}
        for ticket in (await s.scalars(select(Ticket).where(Ticket.id.in_(ids)))).all():
            ticket.requirements = copy.deepcopy(ticket.requirements)
            await derive_requirements(s, ticket, CONFIG)
            alone[ticket.id] = ticket.requirements
    assert alone[ids[0]]["language"] == "zh" and alone[ids[0]]["skills"] == {"refunds": 2}
    assert alone[ids[1]]["skills"] == {"billing": 2} and alone[ids[1]]["language"] == "en"
    assert alone[ids[2]]["skills"] == {"technical": 2, "complaints": 3}
    assert alone[ids[3]]["skills"] == {"complaints": 3} and alone[ids[3]]["language"] == "zh"
    assert alone[ids[4]]["skills"] == {}

    reads: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "interactions" in statement.lower():
            reads.append(statement)

    presence = Presence(db, 0)
    routing = RoutingEngine(db, presence, CONFIG)
    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        decisions = await routing.route_many(ids)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
        await presence.stop()
    assert all(d is not None and d.agent_id is None for d in decisions)  # nobody online: all wait
    assert len(reads) == 1, reads  # the batch's first messages, in one query
    async with db.read() as s:
        stored: dict[int, dict[str, Any]] = dict(
            (await s.execute(select(Ticket.id, Ticket.requirements).where(Ticket.id.in_(ids)))).all()
        )
    assert stored == alone


async def test_derived_tickets_are_not_read_again(db: Database) -> None:
    ids = await waiting_tickets(db)
    async with db.write() as uow:  # derived before (an entry point, or an earlier pass): kept as they are
        await uow.session.execute(
            update(Ticket).where(Ticket.id == ids[0]).values(requirements={"skills": {"vip": 1}, "language": "en"})
        )
    presence = Presence(db, 0)
    try:
        await RoutingEngine(db, presence, CONFIG).route_many(ids)
    finally:
        await presence.stop()
    async with db.read() as s:
        stored: dict[int, dict[str, Any]] = dict(
            (await s.execute(select(Ticket.id, Ticket.requirements).where(Ticket.id.in_(ids)))).all()
        )
    assert stored[ids[0]] == {"skills": {"vip": 1}, "language": "en"}
    assert stored[ids[1]]["skills"] == {"billing": 2}


def one_word_at_a_time(text: str, word: str) -> bool:
    """The rule as it was checked word by word: Chinese as a substring, Latin words standing alone."""
    if re.search(r"[\u3400-\u9fff]", word):
        return word in text
    return re.search(r"(?<![a-z0-9])" + re.escape(word) + r"(?![a-z0-9])", text) is not None


def test_keyword_rules_match_as_word_by_word() -> None:
    words = [w for rule in CONFIG.keywords for w in rule.words] + ["bill", "c++", "a.b", "not working", "订单"]
    texts = [
        "billion", "the bill is wrong", "billing?", "onerror", "error!", "an error1", "c++ crash", "cxx", "a.b", "axb",
        "it is not working", "notworking", "我要退款", "订单号", "money  back", "money back", "REFUND", "", "bug-fix",
    ]  # fmt: skip
    rules = [(w,) for w in words] + [tuple(rule.words) for rule in CONFIG.keywords] + [tuple(words)]
    for rule in rules:
        for text in texts:
            lowered = text.lower()
            expected = any(one_word_at_a_time(lowered, w) for w in rule)
            assert _matcher(rule)(lowered) is expected, (rule, text)
