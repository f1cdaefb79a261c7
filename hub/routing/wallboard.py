"""The supervisors' wallboard: queue figures plus service level today, agents' state and occupancy, and the
work waiting or live. Computed once per push interval for every supervisor, never per event, and from the
database, so every hub process shows the same board."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents.presence import online_in_db
from hub.db.models import Agent, Customer, Queue, Ticket
from hub.events.snapshots import TicketSnapshot
from hub.routing.stats import queue_stats
from hub.tickets.model import ACTIVE, priority_order

TEXT_CHANNELS = ("webchat", "wechat", "sms.twilio")  # conversations a supervisor can coach or take over
LISTED = 100
STAFF_LISTED = 200  # the busiest first; a 1,000-agent floor is read from the counts, not a list of everyone


async def wallboard(s: AsyncSession, default_capacity: dict[str, int], now: datetime) -> dict[str, Any]:
    body = await queue_stats(s, now)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    # Service level today: first responses within target, of the tickets whose target has passed or been met.
    due_or_met = (Ticket.first_response_due_at < now) | Ticket.first_responded_at.isnot(None)
    in_time = Ticket.first_responded_at <= Ticket.first_response_due_at
    levels = await s.execute(
        select(Queue.name, func.count(), func.count().filter(in_time))
        .join(Queue, Queue.id == Ticket.queue_id)
        .where(Ticket.created_at >= midnight, Ticket.first_response_due_at.isnot(None), due_or_met)
        .group_by(Queue.name)
    )
    level_of = {q: (n, ok) for q, n, ok in levels.all()}
    answered = await s.execute(
        select(Queue.name, func.count())
        .select_from(Ticket)
        .join(Queue, Queue.id == Ticket.queue_id)
        .where(Ticket.first_responded_at >= midnight)
        .group_by(Queue.name)
    )
    answered_of = dict(answered.all())
    by_tier: dict[str, int] = {}
    for q in body["queues"]:
        n, ok = level_of.get(q["queue"], (0, 0))
        q["service_level"] = round(ok / n, 3) if n else None
        q["service_level_counted"] = n
        q["answered_today"] = int(answered_of.get(q["queue"], 0))  # first responses given since midnight (UTC)
        for tier, waiting in q["by_tier"].items():
            by_tier[tier] = by_tier.get(tier, 0) + waiting
    body["waiting_by_tier"] = by_tier
    staff = await _staff(s, default_capacity, now)
    body["staff_online"] = len(staff)
    body["staff"] = sorted(staff, key=lambda a: (-a["occupancy"], a["name"]))[:STAFF_LISTED]
    body["waiting"] = await _tickets(s, Ticket.assignee_id.is_(None))
    body["live_conversations"] = await _tickets(s, Ticket.assignee_id.isnot(None) & Ticket.channel.in_(TEXT_CHANNELS))
    return body


async def _staff(s: AsyncSession, default_capacity: dict[str, int], now: datetime) -> list[dict[str, Any]]:
    """Agents online in any process, with their status and how full they are (O(online agents), once per
    push; columns, not ORM objects)."""
    rows = (
        await s.execute(
            select(Agent.id, Agent.display_name, Agent.capacity, Agent.presence, Agent.presence_since).where(
                Agent.active, online_in_db(now)
            )
        )
    ).all()
    if not rows:
        return []
    load = dict(
        (
            await s.execute(
                select(Ticket.assignee_id, func.count())
                .where(Ticket.assignee_id.in_([r[0] for r in rows]), Ticket.status.in_(ACTIVE))
                .group_by(Ticket.assignee_id)
            )
        ).all()
    )
    staff = []
    for agent_id, name, own_capacity, status, since in rows:
        capacity = sum({**default_capacity, **(own_capacity or {})}.values()) or 1
        n = int(load.get(agent_id, 0))
        staff.append({"id": agent_id, "name": name, "status": status, "since": since.isoformat() if since else None,
                      "load": n, "capacity": capacity, "occupancy": round(n / capacity, 3)})  # fmt: skip
    return staff


async def _tickets(s: AsyncSession, condition: Any) -> list[dict[str, Any]]:
    rows = await s.execute(
        select(Ticket, Customer, Queue.name)
        .join(Customer, Customer.id == Ticket.customer_id)
        .join(Queue, Queue.id == Ticket.queue_id)
        .where(Ticket.status.in_(ACTIVE), condition)
        .order_by(priority_order(), Ticket.created_at)
        .limit(LISTED)
    )
    return [TicketSnapshot.of(t, c, q).to_json() for t, c, q in rows.all()]
