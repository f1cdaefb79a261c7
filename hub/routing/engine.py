"""The routing engine: runs decide() for new and waiting tickets and commits assignments with reasons.

Work arrives as events (a ticket created or reopened; an agent coming online; capacity freed) and is
done by one worker task, off the path that stores and acknowledges customer messages. Each assignment
is committed with the agent's row locked and their load recounted, so concurrent deciders never
exceed an agent's capacity or assign one ticket twice.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.agent_console.presence import Presence
from hub.background import cancel
from hub.bus import EventBus
from hub.db.engine import Database, UnitOfWork
from hub.db.models import Agent, AgentSkill, Customer, Queue, Ticket
from hub.db.types import utcnow
from hub.events import AgentStatusChanged, TicketCreated, TicketUpdated
from hub.knowledge.text import guess_locale
from hub.routing.config import RoutingConfig
from hub.routing.decide import decide
from hub.routing.model import AgentProfile, AgentState, Decision, RouteRequest
from hub.routing.urgency import urgency
from hub.snapshots import TicketSnapshot
from hub.tickets import ACTIVE, priority_order

log = logging.getLogger(__name__)
DRAIN_BATCH = 50
WAITING_SCAN = 1000  # waiting tickets scored per drain, pre-ordered by static priority
ROUTABLE_ROLES = ("agent", "supervisor")


class RoutingEngine:
    def __init__(self, db: Database, presence: Presence, config: RoutingConfig) -> None:
        self._db = db
        self._presence = presence
        self.config = config
        self._jobs: asyncio.Queue[int | None] = asyncio.Queue()  # a ticket id, or None for "drain"
        self._task: asyncio.Task[None] | None = None
        self.idle: asyncio.Event = asyncio.Event()  # set whenever the queue is empty: for tests and shutdown
        self._drain_queued = False

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(TicketCreated, self._on_created)
        bus.subscribe(TicketUpdated, self._on_updated)
        bus.subscribe(AgentStatusChanged, self._on_agent)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._work(), name="hub-routing")
        self._request_drain()  # tickets that waited while the hub was down

    async def stop(self) -> None:
        await cancel(self._task)

    async def _on_created(self, event: TicketCreated) -> None:
        self.idle.clear()
        self._jobs.put_nowait(event.ticket.id)

    async def _on_updated(self, event: TicketUpdated) -> None:
        ticket = event.ticket
        reroute = {"status", "requirements"} & set(event.changes)
        if reroute and ticket.status in ACTIVE and ticket.assignee_id is None:
            self.idle.clear()
            self._jobs.put_nowait(ticket.id)  # reopened, or its needs changed, and unowned
        elif ("status" in event.changes and ticket.status not in ACTIVE) or (
            "assignee_id" in event.changes and ticket.assignment.get("by") != "routing"
        ):
            self._request_drain()  # solved, closed or moved by a person: someone may have room now

    async def _on_agent(self, event: AgentStatusChanged) -> None:
        if event.presence == "available":
            self._request_drain()

    def _request_drain(self) -> None:
        # Many frees in a burst need one pass over the waiting tickets, not one pass each.
        if not self._drain_queued:
            self._drain_queued = True
            self.idle.clear()
            self._jobs.put_nowait(None)

    async def _work(self) -> None:
        while True:
            if self._jobs.empty():
                self.idle.set()
            job = await self._jobs.get()
            try:
                if job is None:
                    self._drain_queued = False
                    await self.drain()
                elif self._db.is_sqlite:
                    # One writer anyway: a burst of new tickets is routed in one transaction. (On
                    # PostgreSQL a batch would hold several customers' row locks and could deadlock.)
                    batch = [job]
                    while len(batch) < DRAIN_BATCH and not self._jobs.empty():
                        nxt = self._jobs.get_nowait()
                        if nxt is None:
                            self._jobs.put_nowait(None)
                            break
                        batch.append(nxt)
                    await self.route_many(batch)
                else:
                    await self.route(job)
            except Exception:
                log.exception("routing job %s failed", job)

    async def drain(self) -> int:
        """Offer waiting tickets, most urgent first (see urgency.py), to whoever has room now."""
        if not self._presence.any_available():
            return 0
        async with self._db.read() as s:
            roster = await self._roster(s)
            open_channels = {
                ch
                for profile, state in roster
                for ch in self.config.capacity | dict(profile.capacity)
                if state.load.get(ch, 0) < profile.capacity.get(ch, self.config.capacity.get(ch, 1))
            }
            if not open_channels:
                return 0  # everyone online is full: nothing to try until capacity frees
            rows = list(
                (
                    await s.execute(
                        select(Ticket.id, Customer.tier, Ticket.first_response_due_at, Ticket.created_at)
                        .join(Customer, Customer.id == Ticket.customer_id)
                        .where(
                            Ticket.assignee_id.is_(None), Ticket.status.in_(ACTIVE), Ticket.channel.in_(open_channels)
                        )
                        .order_by(priority_order(), Ticket.last_message_at, Ticket.id)
                        .limit(WAITING_SCAN)
                    )
                ).all()
            )
        # Most urgent first by the blended score (tier weight, SLA risk, waiting time).
        weights = {t.name: t.weight for t in self.config.tiers}
        now = utcnow()
        rows.sort(key=lambda r: (-urgency(weights.get(r.tier, 0), r.first_response_due_at, r.created_at, now), r.id))
        waiting = [r.id for r in rows[:DRAIN_BATCH]]
        if self._db.is_sqlite:
            decisions = await self.route_many(waiting)
        else:
            decisions = [await self.route(ticket_id) for ticket_id in waiting]
        return sum(1 for d in decisions if d and d.agent_id)

    async def route(self, ticket_id: int) -> Decision | None:
        return (await self.route_many([ticket_id]))[0]

    async def route_many(self, ticket_ids: list[int]) -> list[Decision | None]:
        """Several tickets in one transaction with one roster read; loads are updated as we assign."""
        async with self._db.write() as uow:
            roster = await self._roster(uow.session)
            return [await self._route_in(uow, roster, ticket_id) for ticket_id in ticket_ids]

    async def _route_in(
        self, uow: UnitOfWork, roster: list[tuple[AgentProfile, AgentState]], ticket_id: int
    ) -> Decision | None:
        s = uow.session
        # Lock order everywhere: customer, then ticket, then agent (ingest locks the customer first too;
        # taking the ticket first here deadlocked against a message arriving on it).
        lock = not self._db.is_sqlite
        customer_id = await s.scalar(select(Ticket.customer_id).where(Ticket.id == ticket_id))
        if customer_id is None:
            return None
        customer = await s.get_one(Customer, customer_id, with_for_update=lock)
        ticket = await s.get(Ticket, ticket_id, with_for_update=lock)
        if ticket is None or ticket.assignee_id is not None or ticket.status not in ACTIVE:
            return None
        if not ticket.requirements:
            ticket.requirements = {
                "skills": self.config.skills_for(ticket.subject),
                "language": "zh" if guess_locale(ticket.subject) == "zh-CN" else "en",
            }
        req = RouteRequest(
            ticket_id=ticket.id,
            channel=ticket.channel,
            tier=customer.tier,
            skills=dict(ticket.requirements.get("skills") or {}),
            language=ticket.requirements.get("language"),
            last_agent_id=await s.scalar(
                select(Ticket.assignee_id)
                .where(
                    Ticket.customer_id == ticket.customer_id,
                    Ticket.id != ticket.id,
                    Ticket.assignee_id.is_not(None),
                )
                .order_by(Ticket.updated_at.desc())
                .limit(1)
            ),
        )
        decision = decide(req, roster, self.config.capacity)
        agent_id = decision.agent_id
        if agent_id is not None:
            # Lock the agent and recount: another decider may have filled them since the roster was read.
            await s.get(Agent, agent_id, with_for_update=not self._db.is_sqlite)
            load = await s.scalar(
                select(func.count())
                .select_from(Ticket)
                .where(Ticket.assignee_id == agent_id, Ticket.channel == ticket.channel, Ticket.status.in_(ACTIVE))
            )
            if (load or 0) >= self._capacity_of(await s.get_one(Agent, agent_id), ticket.channel):
                agent_id = None
        now = utcnow()
        record = {"agent_id": agent_id, "by": "routing", "at": now.isoformat(), "reasons": list(decision.reasons)}
        if agent_id is None and ticket.assignment.get("reasons") == record["reasons"]:
            return decision  # still waiting for the same reason: nothing new to store or announce
        ticket.assignment = record
        if agent_id is not None:
            ticket.assignee_id = agent_id
            ticket.updated_at = now
            _count_one_more(roster, agent_id, ticket.channel)
            audit.record(
                s, None, "ticket.assigned", "ticket", ticket.id, agent_id=agent_id, reasons=list(decision.reasons)
            )
        await s.flush()
        queue = await s.get_one(Queue, ticket.queue_id)
        changes = ("assignee_id", "assignment") if agent_id is not None else ("assignment",)
        uow.emit(TicketUpdated(TicketSnapshot.of(ticket, customer, queue.name), changes))
        return decision

    def _capacity_of(self, agent: Agent, channel: str) -> int:
        value = (agent.capacity or {}).get(channel)
        return int(value) if isinstance(value, int) else self.config.capacity.get(channel, 1)

    async def _roster(self, s: AsyncSession) -> list[tuple[AgentProfile, AgentState]]:
        """Available agents only: the roster is as large as who is working, never the whole directory."""
        online = self._presence.available_ids()
        if not online:
            return []
        agents = list(
            await s.scalars(select(Agent).where(Agent.id.in_(online), Agent.active, Agent.role.in_(ROUTABLE_ROLES)))
        )
        skills: dict[int, dict[str, int]] = {}
        for row in await s.scalars(select(AgentSkill).where(AgentSkill.agent_id.in_(online))):
            skills.setdefault(row.agent_id, {})[row.skill] = row.level
        loads: dict[int, dict[str, int]] = {}
        for agent_id, ch, n in (
            await s.execute(
                select(Ticket.assignee_id, Ticket.channel, func.count())
                .where(Ticket.assignee_id.in_(online), Ticket.status.in_(ACTIVE))
                .group_by(Ticket.assignee_id, Ticket.channel)
            )
        ).all():
            if agent_id is not None:  # the filter guarantees it; the column type does not
                loads.setdefault(agent_id, {})[ch] = n
        return [
            (
                AgentProfile(
                    a.id,
                    a.display_name,
                    skills.get(a.id, {}),
                    frozenset(_langs(a.languages)),
                    {k: int(v) for k, v in (a.capacity or {}).items()},
                    frozenset(a.tiers or ()),
                    tuple(a.topics or ()),
                ),
                AgentState(True, loads.get(a.id, {}), a.last_seen_at),
            )
            for a in agents
        ]


def _count_one_more(roster: list[tuple[AgentProfile, AgentState]], agent_id: int, channel: str) -> None:
    for i, (profile, state) in enumerate(roster):
        if profile.id == agent_id:
            roster[i] = (profile, replace(state, load={**state.load, channel: state.load.get(channel, 0) + 1}))


def _langs(languages: list[Any]) -> list[str]:
    """Yellow-pages languages ("zh-CN", "yue") reduced to what requirements name ("zh", "yue")."""
    return [str(x).split("-")[0].lower() for x in languages or ()]
