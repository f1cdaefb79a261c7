"""The routing engine: runs decide() for new and waiting tickets and commits assignments or offers with reasons.

Work arrives as events (a ticket created or reopened; an agent coming online; capacity freed) and is
done by one worker task, off the path that stores and acknowledges customer messages. Decisions read the
roster kept in memory (roster.py, index.py); each assignment is one conditional UPDATE that checks the
agent's capacity in SQL (placing.claim), so concurrent deciders never exceed an agent's capacity or
assign one ticket twice, and a refused claim corrects the roster. A tick sweeps expired offers and, when the
policy has timed steps or continuity waits, looks at the waiting tickets again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents.presence import Presence
from hub.background import cancel
from hub.bus import EventBus
from hub.clock import utcnow
from hub.db.engine import Database, UnitOfWork, is_conflict
from hub.events import AgentStatusChanged, QueueChanged, TicketCreated, TicketUpdated
from hub.events.snapshots import TicketSnapshot
from hub.routing import offers, placing, rows
from hub.routing import waiting as waiting_list
from hub.routing.config import RoutingConfig
from hub.routing.decide import decide
from hub.routing.index import RosterIndex
from hub.routing.model import Decision
from hub.routing.requests import Requests
from hub.routing.roster import RosterCache
from hub.routing.rows import RoutedTicket
from hub.tickets.model import ACTIVE

log = logging.getLogger(__name__)
DRAIN_BATCH = 50
CLAIM_TRIES = 3  # decisions per ticket when a commit finds the chosen agent full (the roster was stale)
TICK_S = 1.0
TIMED_DRAIN_S = 5.0  # at most this long between looks at waiting tickets when the policy is timed


class RoutingEngine:
    def __init__(self, db: Database, presence: Presence, config: RoutingConfig) -> None:
        self._db = db
        self.presence = presence
        self.config = config
        self._jobs: asyncio.Queue[int | None] = asyncio.Queue()  # a ticket id, or None for "drain"
        self._task: asyncio.Task[None] | None = None
        self.idle: asyncio.Event = asyncio.Event()  # set whenever the queue is empty: for tests and shutdown
        self._drain_queued = False
        self._cache = RosterCache(config.capacity)
        self._next_timed_drain = 0.0
        self._requests = Requests(presence.is_online)
        self._reoffer_due: dict[int, datetime] = {}  # tickets every eligible agent passed on -> when to try again
        self._configure_timing()

    def _configure_timing(self) -> None:
        # Timed policy steps and continuity waits end as time passes: look again at half the shortest one.
        config = self.config
        waits = [step.timeout_s for f in config.filters for step in f.steps if step.timeout_s]
        waits += [config.continuity_s] if config.continuity_s else []
        self._timed = bool(waits)
        self._timed_every = min(TIMED_DRAIN_S, min(waits, default=10) / 2)

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(TicketCreated, self._on_created)
        bus.subscribe(TicketUpdated, self._on_updated)
        bus.subscribe(AgentStatusChanged, self._on_agent)
        bus.subscribe(QueueChanged, self._on_queue)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._work(), name="hub-routing")
        self._request_drain()  # tickets that waited while the hub was down

    async def stop(self) -> None:
        await cancel(self._task)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _on_created(self, event: TicketCreated) -> None:
        self.enqueue(event.ticket.id)

    def enqueue(self, ticket_id: int) -> None:
        """Route this ticket soon (a new one here, or one another process tells us about)."""
        self.idle.clear()
        self._jobs.put_nowait(ticket_id)

    async def _on_updated(self, event: TicketUpdated) -> None:
        ticket = event.ticket
        self._cache.follow(event)
        # A new customer tier (hub/customers/retier.py) may change which policy filter applies.
        reroute = {"status", "requirements", "queue", "tier"} & set(event.changes)
        # An offer taken back (declined, missed): the assignee changed. Routing's own "still waiting" note
        # changes only the assignment and must not queue the ticket again.
        taken_back = "assignee_id" in event.changes and ticket.assignment.get("state") == offers.WAITING
        if "status" in event.changes and ticket.status not in ACTIVE and ticket.assignee_id is not None:
            await self.presence.wrap_up(ticket.assignee_id, self.config.after_contact.get(ticket.channel, 0))
        if (reroute or taken_back) and ticket.status in ACTIVE and ticket.assignee_id is None:
            self.idle.clear()
            self._jobs.put_nowait(ticket.id)  # reopened, or its needs changed, and unowned
            if taken_back:
                self._request_drain()  # the agent who declined or missed it has that place free for another
        elif ("status" in event.changes and ticket.status not in ACTIVE) or (
            "assignee_id" in event.changes and ticket.assignment.get("by") != "routing"
        ):
            self._request_drain()  # solved, closed or moved by a person: someone may have room now

    async def _on_agent(self, event: AgentStatusChanged) -> None:
        if event.presence == "available":
            self._cache.forget(event.agent_id)  # back at work: read their entry afresh
            self._request_drain()

    async def _on_queue(self, _event: QueueChanged) -> None:
        self._request_drain()  # new members, or the queue's work given out again: waiting tickets may go now

    def _request_drain(self) -> None:
        # Many frees in a burst need one pass over the waiting tickets, not one pass each.
        if not self._drain_queued:
            self._drain_queued = True
            self.idle.clear()
            self._jobs.put_nowait(None)

    async def _work(self) -> None:
        loop = asyncio.get_running_loop()
        next_tick = loop.time() + TICK_S
        while True:
            if self._jobs.empty():
                self.idle.set()
            job: int | bool | None = False  # False: nothing arrived before the tick
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.0, next_tick - loop.time())):  # not wait_for: see delivery.py
                    job = await self._jobs.get()
            if loop.time() >= next_tick:
                next_tick = loop.time() + TICK_S
                await self._tick()
            if job is False:
                continue
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
                    await self._route_alone(job)
            except Exception:
                log.exception("routing job %s failed", job)

    async def _tick(self) -> None:
        try:
            async with self._db.write() as uow:
                missed = await offers.expire_due(uow, utcnow(), lock=not self._db.is_sqlite)
            if self._cache.resync_due():  # what no event here reports: other processes' work, profile edits
                async with self._db.read() as s:
                    await self._cache.resync(s, self.presence.available_ids())
            for _ticket_id, agent_id in missed:
                if self.config.away_after_missed_offer:
                    await self.presence.missed_offer(agent_id)
            for ticket_id, at in list(self._reoffer_due.items()):
                if at <= utcnow():
                    del self._reoffer_due[ticket_id]
                    self.enqueue(ticket_id)  # its pause is over: offer it again
            now = asyncio.get_running_loop().time()
            if self._timed and now >= self._next_timed_drain:
                self._next_timed_drain = now + self._timed_every
                self._request_drain()  # steps time out and continuity waits end as time passes
        except Exception:
            log.exception("routing tick failed")

    async def respond(self, ticket_id: int, agent_id: int, accept: bool) -> TicketSnapshot:
        """The offered agent's answer; a decline sends the ticket on to the next agent at once."""
        async with self._db.write() as uow:
            return await offers.respond(uow, ticket_id, agent_id, accept, utcnow(), lock=not self._db.is_sqlite)

    async def drain(self) -> int:
        """Offer waiting tickets, most urgent first (see urgency.py), to whoever has room now."""
        if not self.presence.any_available():
            return 0
        async with self._db.read() as s:
            roster = await self._cache.roster(s, self.presence.available_ids())
            channels = waiting_list.open_channels(roster, self.config)
            if not channels:
                return 0  # everyone online is full: nothing to try until capacity frees
            waiting = await waiting_list.most_urgent(s, channels, self.config, DRAIN_BATCH)
        if self._db.is_sqlite:
            decisions = await self.route_many(waiting)
        else:  # one ticket per transaction: a batch would hold several customers' row locks and could deadlock
            decisions = [await self._route_alone(ticket_id) for ticket_id in waiting]
        return sum(1 for d in decisions if d and d.agent_id)

    async def route(self, ticket_id: int) -> Decision | None:
        return (await self.route_many([ticket_id]))[0]

    async def _route_alone(self, ticket_id: int) -> Decision | None:
        """One ticket in its own transaction; if a concurrent writer wins its rows, it is routed again."""
        try:
            return await self.route(ticket_id)
        except Exception as exc:
            if not is_conflict(exc):
                raise
            # PostgreSQL chose this transaction to undo (a deadlock, or a serialization failure): the other
            # writer has gone on, so the same decision made again on fresh rows succeeds.
            log.info("routing ticket %s met a concurrent write; routing it again", ticket_id)
            self.enqueue(ticket_id)
            return None

    async def route_many(self, ticket_ids: list[int]) -> list[Decision | None]:
        """Several tickets in one transaction over the in-memory roster; loads are updated as we assign."""
        lock = not self._db.is_sqlite
        async with self._db.write() as uow:
            s = uow.session
            roster = await self._cache.roster(s, self.presence.available_ids())
            found = await rows.read(s, ticket_ids, lock)  # with their customers, queues, first words, last agents
            self._requests.given(list(found.values()))
            audits: list[dict[str, Any]] = []
            timeline: list[dict[str, Any]] = []
            try:
                decisions = [
                    await self._route_in(uow, roster, found[t], audits, timeline) if t in found else None
                    for t in ticket_ids
                ]
            finally:
                self._requests.done()
            # The batch's writes together: the waiting notes, then the hand-overs' audit and timeline rows.
            await rows.write_notes(s, list(found.values()))
            await rows.write_audit(s, audits)
            await placing.write_timeline(s, timeline)
            return decisions

    async def _route_in(
        self, uow: UnitOfWork, roster: RosterIndex, ticket: RoutedTicket, audits: list[dict[str, Any]],
        timeline: list[dict[str, Any]],
    ) -> Decision | None:  # fmt: skip
        s, lock = uow.session, not self._db.is_sqlite
        await self._requests.derive(s, ticket, self.config)
        if not ticket.auto_assign:
            return None  # its agents pick its tickets themselves: nothing offered, nothing assigned
        now = utcnow()
        req, warnings = await self._requests.build(s, ticket, ticket.customer.tier, ticket.queue, now, self.config)
        # On PostgreSQL one try: a second agent's row lock in the same transaction could deadlock with
        # another router holding it and wanting the first; the ticket waits for the next drain instead.
        for _attempt in range(1 if lock else CLAIM_TRIES):
            decision = decide(req, roster, self.config.capacity, self.config.filters, self.config.fairness)
            if warnings:
                decision = replace(decision, reasons=(*warnings, *decision.reasons))
            agent_id, reasons = decision.agent_id, list(decision.reasons)
            if agent_id is None:
                break
            offer_s = self.config.offers.get(ticket.channel)
            values = placing.hand_over(ticket, agent_id, offer_s, now, reasons)
            if await placing.claim(s, ticket, values, self._capacity_of(roster, agent_id, ticket.channel), lock):
                audits.append(placing.audit_row(ticket.id, agent_id, bool(offer_s), reasons))
                timeline.append(placing.timeline_row(ticket, agent_id, bool(offer_s), now, reasons))
                self._cache.took(agent_id, ticket.channel)
                self._requests.assigned(ticket.customer_id, agent_id)
                uow.emit(TicketUpdated(ticket.snapshot(), ("assignee_id", "assignment")))
                return decision
            if not await self._refused(s, ticket, agent_id):
                return None  # taken by someone else meanwhile
            reasons.append("that agent's last place was taken meanwhile; waiting")
            self._request_drain()  # with the roster corrected, the next drain may find someone else
            decision = replace(decision, agent_id=None, reasons=tuple(reasons), ranked=())
        # Everyone eligible passed on it: offer it again when the first of them may have it again.
        pause = timedelta(seconds=self.config.reoffer_after_s)
        again = offers.reoffer_at(ticket, now, pause) if req.exclude else None
        if again is not None:
            self._reoffer_due[ticket.id] = again
        if not placing.leave_waiting(ticket, now, reasons, again):
            return decision  # still waiting for the same reason: nothing new to store or announce
        uow.emit(TicketUpdated(ticket.snapshot(), ("assignment",)))
        return decision

    def _capacity_of(self, roster: RosterIndex, agent_id: int, channel: str) -> int:
        pair = roster.get(agent_id)
        capacity = pair[0].capacity if pair is not None else {}
        return capacity.get(channel, self.config.capacity.get(channel, 1))

    async def _refused(self, s: AsyncSession, ticket: RoutedTicket, agent_id: int) -> bool:
        """A claim was refused: True if the agent was full (the roster's count is corrected: decide again),
        False if the ticket was taken or closed meanwhile."""
        load = await placing.load_now(s, agent_id, ticket.channel)
        self._cache.set_load(agent_id, ticket.channel, load)
        await rows.refresh(s, ticket)
        return ticket.assignee_id is None and ticket.status in ACTIVE

    def reload(self, config: RoutingConfig) -> None:
        """A new policy, already validated; the next decision uses it."""
        self.config = config
        self._cache.configure(config.capacity)
        self._configure_timing()
        self.presence.configure(config.away_on_disconnect_s)
        self._request_drain()
