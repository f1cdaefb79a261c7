"""Prometheus metrics at GET /metrics: counters kept from events as they happen (O(1) each), gauges that
need the database (queue depth by tier, outbox backlog) read once per scrape."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select

from hub import keys
from hub.bus import EventBus
from hub.clock import utcnow
from hub.db.models import Customer, OutboxItem, Ticket
from hub.events import DeliveryUpdated, MessageCreated, MessageReceived, TicketUpdated
from hub.tickets.model import ACTIVE


class Metrics:
    def __init__(self) -> None:
        # One registry per app, not the process-wide default: tests run several hubs in one process.
        self.registry = CollectorRegistry()
        r = self.registry
        self.contacts = Counter("hub_contacts", "Customer contacts stored, by channel", ["channel"], registry=r)
        self.replies = Counter("hub_replies", "Agent replies stored, by channel", ["channel"], registry=r)
        self.deliveries = Counter(
            "hub_deliveries", "Delivery state changes of replies, by state", ["status"], registry=r
        )
        self.assignment = Histogram(
            "hub_assignment_seconds", "From a ticket's creation to its first assignment or offer",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900), registry=r,
        )  # fmt: skip
        self.waiting = Gauge("hub_tickets_waiting", "Unassigned open tickets, by customer tier", ["tier"], registry=r)
        self.outbox = Gauge("hub_outbox_backlog", "Replies waiting to be sent (pending or being sent)", registry=r)
        self.sockets = Gauge("hub_console_sockets", "Agent console sockets connected to this process", registry=r)
        self._assigned: set[int] = set()

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(MessageReceived, self._on_received)
        bus.subscribe(MessageCreated, self._on_created)
        bus.subscribe(DeliveryUpdated, self._on_delivery)
        bus.subscribe(TicketUpdated, self._on_updated)

    async def _on_received(self, event: MessageReceived) -> None:
        self.contacts.labels(event.interaction.channel).inc()

    async def _on_created(self, event: MessageCreated) -> None:
        if event.interaction.direction == "outbound":
            self.replies.labels(event.interaction.channel).inc()

    async def _on_delivery(self, event: DeliveryUpdated) -> None:
        self.deliveries.labels(event.status).inc()

    async def _on_updated(self, event: TicketUpdated) -> None:
        ticket = event.ticket
        if "assignee_id" in event.changes and ticket.assignee_id and ticket.id not in self._assigned:
            self._assigned.add(ticket.id)
            if len(self._assigned) > 100_000:  # only "first assignment" needs it; keep it bounded
                self._assigned.clear()
            self.assignment.observe(max(0.0, (utcnow() - ticket.created_at).total_seconds()))

    async def refresh(self, app: web.Application) -> None:
        async with app[keys.DB].read() as s:
            waiting = (
                await s.execute(
                    select(Customer.tier, func.count())
                    .select_from(Ticket)
                    .join(Customer, Customer.id == Ticket.customer_id)
                    .where(Ticket.assignee_id.is_(None), Ticket.status.in_(ACTIVE))
                    .group_by(Customer.tier)
                )
            ).all()
            backlog = await s.scalar(
                select(func.count()).select_from(OutboxItem).where(OutboxItem.status.in_(("pending", "sending")))
            )
        self.waiting.clear()
        for tier, count in waiting:
            self.waiting.labels(tier).set(count)
        self.outbox.set(backlog or 0)
        self.sockets.set(app[keys.PRESENCE].socket_count())


METRICS = web.AppKey("metrics", Metrics)


async def metrics(request: web.Request) -> web.Response:
    collected = request.app[METRICS]
    await collected.refresh(request.app)
    return web.Response(body=generate_latest(collected.registry), headers={"Content-Type": CONTENT_TYPE_LATEST})
