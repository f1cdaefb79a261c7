"""A batch of new tickets is placed in one pass (one read, one claim per hand-over, the notes, audit and timeline
rows written together), and places them as routing them one at a time does: the same agents, notes and events."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from hub.agents.presence import Presence
from hub.bus import EventBus
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Agent, AuditEntry, Customer, HistoryEntry, Interaction, Queue, Ticket
from hub.events import TicketUpdated
from hub.routing.config import load_routing
from hub.routing.engine import RoutingEngine
from tests.conftest import make_agent
from tests.statements import statements

CONFIG = load_routing(Path(__file__).resolve().parents[2] / "config" / "routing.toml")
NAMES = ("Ann", "Bob")
# (customer, status, queue picked by hand, first message): the story each side routes.
STORY = [
    (0, "new", False, "I was charged twice for my order"),
    (0, "new", False, "and the refund never came"),  # the same customer: the agent of the ticket before
    (1, "new", False, "我要退款，订单还没到"),
    (2, "new", True, "hello"),  # its queue's agents pick: requirements noted, nothing offered
    (3, "open", False, "the app shows an error"),
    (4, "new", False, "where is my parcel?"),  # everyone is full by now: it waits, with its reasons
    (4, "solved", False, "thanks"),  # not routable: no decision
]
_CLOCK = re.compile(r"\d\d:\d\d:\d\d(\.\d+)?")
_AGENT = re.compile(r"(agent |'agent_id': )(\d+)")  # where an agent's id is written


async def side(db: Database, tag: str) -> tuple[list[int], list[int]]:
    """Two agents with room for two emails each, and the story's tickets with their first messages."""
    agents = [(await make_agent(db, f"{name.lower()}-{tag}@x.test")).id for name in NAMES]
    now = utcnow()
    async with db.write() as uow:
        s = uow.session
        for agent_id, name in zip(agents, NAMES, strict=True):
            await s.execute(
                update(Agent)
                .where(Agent.id == agent_id)
                .values(display_name=name, capacity={"email": 2}, languages=["en", "zh"])
            )
        picked = await s.scalar(
            insert(Queue).values(name=f"hand-{tag}", display_name="hand", auto_assign=False).returning(Queue.id)
        )
        routed = await s.scalar(insert(Queue).values(name=f"auto-{tag}", display_name="auto").returning(Queue.id))
        customers = list(
            await s.scalars(
                insert(Customer).returning(Customer.id, sort_by_parameter_order=True),
                [{"display_name": f"c{n}-{tag}", "tier": "general", "attributes": {}} for n in range(5)],
            )
        )
        tickets = []
        for n, status, by_hand, text in STORY:
            ticket = await s.scalar(
                insert(Ticket)
                .values(customer_id=customers[n], subject="", status=status, priority="normal", channel="email",
                        queue_id=picked if by_hand else routed, tags=[], assignment={}, requirements={},
                        created_at=now, updated_at=now, last_message_at=now)
                .returning(Ticket.id)
            )  # fmt: skip
            assert ticket is not None
            await s.execute(
                insert(Interaction).values(ticket_id=ticket, customer_id=customers[n], direction="inbound",
                                           channel="email", text=text)
            )  # fmt: skip
            tickets.append(ticket)
    return agents, tickets


async def routed(db: Database, agents: list[int], tickets: list[int]) -> tuple[list[Any], list[Any], list[Any]]:
    """What routing stored, with ids and times replaced by names and places in the story."""
    names = {a: NAMES[n] for n, a in enumerate(agents)}
    places = {t: n for n, t in enumerate(tickets)}

    def plain(value: Any) -> Any:
        text = _CLOCK.sub("T", repr(value))
        return _AGENT.sub(lambda m: m[1] + names[int(m[2])], text)

    async with db.read() as s:
        rows = (await s.execute(select(Ticket).where(Ticket.id.in_(tickets)).order_by(Ticket.id))).scalars().all()
        found = [
            (names.get(t.assignee_id or 0), t.requirements, t.assignment.get("state"),
             plain(t.assignment.get("reasons")), t.offer_expires_at is not None)
            for t in rows
        ]  # fmt: skip
        audits = (await s.scalars(select(AuditEntry).where(AuditEntry.target_id.in_(tickets)))).all()
        audit = sorted((places[a.target_id or 0], a.actor_kind, a.action, plain(a.details)) for a in audits)
        lines = (await s.scalars(select(HistoryEntry).where(HistoryEntry.ticket_id.in_(tickets)))).all()
        timeline = sorted((places[h.ticket_id or 0], h.kind, plain(h.summary)) for h in lines)
    return found, audit, timeline


def heard(events: list[TicketUpdated], agents: list[int], tickets: list[int]) -> list[Any]:
    names = {a: NAMES[n] for n, a in enumerate(agents)}
    return [
        (tickets.index(e.ticket.id), e.changes, names.get(e.ticket.assignee_id or 0), e.ticket.requirements,
         e.ticket.assignment.get("state"), _CLOCK.sub("T", " ".join(e.ticket.assignment.get("reasons", ()))))
        for e in events
    ]  # fmt: skip


async def test_a_batch_is_placed_in_one_pass_as_one_ticket_at_a_time_places_it(db: Database) -> None:
    batch_agents, batch = await side(db, "batch")
    alone_agents, alone = await side(db, "alone")
    events: dict[str, list[TicketUpdated]] = {"batch": [], "alone": []}
    results = {}
    for tag, agents, tickets in (("batch", batch_agents, batch), ("alone", alone_agents, alone)):
        bus = EventBus()
        side_db = Database(db.url, bus)
        side_db.start()
        heard_here = events[tag]

        async def hear(event: TicketUpdated, into: list[TicketUpdated] = heard_here) -> None:
            into.append(event)

        bus.subscribe(TicketUpdated, hear)
        presence = Presence(side_db, 0)
        for a in agents:
            await presence.connected(a, f"sid-{a}")
        engine = RoutingEngine(side_db, presence, CONFIG)
        try:
            if tag == "batch":
                with statements(side_db) as sent:
                    decisions = await engine.route_many(tickets)
            else:
                decisions = [await engine.route(t) for t in tickets]
        finally:
            await presence.stop()
            await side_db.dispose()
        names = {a: NAMES[n] for n, a in enumerate(agents)}
        results[tag] = [None if d is None else names.get(d.agent_id or 0) for d in decisions]

    # Who is first of two idle agents depends on the order the roster was read in; the rest follows.
    first, second = results["batch"][0], results["batch"][2]
    assert {first, second} == set(NAMES)
    assert results["batch"] == results["alone"] == [first, first, second, None, second, None, None]
    batch_rows, alone_rows = await routed(db, batch_agents, batch), await routed(db, alone_agents, alone)
    assert batch_rows == alone_rows
    found, audit, timeline = batch_rows
    assert found[1][3].count("served this customer last time") == 1
    assert found[2][1] == {"skills": {"refunds": 2}, "language": "zh"}
    assert found[3][1]["language"] == "en" and found[3][2] is None  # picked by hand: noted, not offered
    assert found[5][2] == "waiting" and "nobody eligible" in found[5][3]
    assert [a[:3] for a in audit] == [(n, "system", "ticket.assigned") for n in (0, 1, 2, 4)]
    assert [line[:2] for line in timeline] == [(n, "ticket.assigned") for n in (0, 1, 2, 4)]
    assert heard(events["batch"], batch_agents, batch) == heard(events["alone"], alone_agents, alone)
    hand_over = ("assignee_id", "assignment")
    assert [(e.ticket.id, e.changes) for e in events["batch"]] == [
        *((batch[n], hand_over) for n in (0, 1, 2, 4)),
        (batch[5], ("assignment",)),
    ]

    # One pass: the tickets with their first words in one read, a claim per hand-over, and the batch's notes,
    # audit rows and timeline rows in one statement each, whatever the batch's size.
    words = [q for q in sent if "FROM interactions" in q]
    claims = [q for q in sent if q.startswith("UPDATE tickets") and "assignee_id" in q.split("WHERE")[0]]
    notes = [q for q in sent if q.startswith("UPDATE tickets") and q not in claims]
    assert len(words) == 1 and len(claims) == 4 and len(notes) == 1
    assert sum(q.startswith("INSERT INTO audit_log") for q in sent) == 1
    assert sum(q.startswith("INSERT INTO history") for q in sent) == 1
    locks = [q for q in sent if "FOR UPDATE" in q]
    # PostgreSQL: each ticket's customer, then the ticket, then each chosen agent's row, locked to commit.
    assert len(locks) == (0 if db.is_sqlite else 2 * len(STORY) + 4)
