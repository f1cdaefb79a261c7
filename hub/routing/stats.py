"""Queue statistics for supervisors: aggregate queries over waiting work, never a loop over agents."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents.presence import WRAP_UP, online_in_db
from hub.db.models import Agent, Customer, Queue, Ticket
from hub.tickets.model import ACTIVE

AT_RISK = timedelta(minutes=10)  # first response due within this, and nobody has answered yet


async def queue_stats(s: AsyncSession, now: datetime) -> dict[str, Any]:
    waiting = (Ticket.assignee_id.is_(None)) & Ticket.status.in_(ACTIVE)
    unanswered = Ticket.first_responded_at.is_(None) & Ticket.status.in_(ACTIVE)
    queues: dict[str, dict[str, Any]] = {
        name: {"queue": name, "waiting": 0, "by_tier": {}, "longest_wait_s": 0, "sla_at_risk": 0, "sla_breached": 0}
        for name in await s.scalars(select(Queue.name).order_by(Queue.name))
    }
    rows = await s.execute(
        select(Queue.name, Customer.tier, func.count(), func.min(Ticket.created_at))
        .join(Queue, Queue.id == Ticket.queue_id)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(waiting)
        .group_by(Queue.name, Customer.tier)
    )
    for queue, tier, n, oldest in rows.all():
        q = queues[queue]
        q["waiting"] += n
        q["by_tier"][tier] = n
        q["longest_wait_s"] = max(q["longest_wait_s"], int((now - oldest).total_seconds()) if oldest else 0)
    risk = await s.execute(
        select(
            Queue.name,
            func.count().filter(Ticket.first_response_due_at < now),
            func.count().filter(Ticket.first_response_due_at >= now, Ticket.first_response_due_at < now + AT_RISK),
        )
        .join(Queue, Queue.id == Ticket.queue_id)
        .where(unanswered)
        .group_by(Queue.name)
    )
    for queue, breached, at_risk in risk.all():
        queues[queue]["sla_breached"], queues[queue]["sla_at_risk"] = breached, at_risk
    # Requirements are JSON; the waiting set is what it is, so count its skills here.
    skills: Counter[str] = Counter()
    for req in await s.scalars(select(Ticket.requirements).where(waiting)):
        skills.update((req or {}).get("skills", {}).keys())
    active_agents = int(await s.scalar(select(func.count()).select_from(Agent).where(Agent.active)) or 0)
    # From the database, not this process's sockets: with several hub processes each knows only its own.
    by_status = Counter(
        dict(
            (
                await s.execute(
                    select(Agent.presence, func.count()).where(Agent.active, online_in_db(now)).group_by(Agent.presence)
                )
            ).all()
        )
    )
    wrap_up = by_status.get(WRAP_UP, 0)
    return {
        "at": now.isoformat(),
        "queues": list(queues.values()),
        "waiting_by_skill": dict(skills.most_common()),
        "agents": {
            **{k: by_status.get(k, 0) for k in ("available", "away", "busy")},
            **({WRAP_UP: wrap_up} if wrap_up else {}),
            "offline": max(0, active_agents - sum(by_status.values())),
        },
    }
