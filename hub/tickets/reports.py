"""Supervisors' reports over a period: volume by channel and day, first response and handle times, SLA
attainment and satisfaction, by tier and by agent. One pass over the period's tickets and surveys."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.clock import utcnow
from hub.customers.tables import Survey
from hub.db.models import Agent, Customer, Ticket

MAX_DAYS = 92


@dataclass
class _Group:
    """Figures of one slice (a tier, an agent, or everything)."""

    tickets: int = 0
    first_response_s: list[float] = field(default_factory=list)
    handle_s: list[float] = field(default_factory=list)
    sla_counted: int = 0
    sla_met: int = 0
    ratings: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        def p(values: list[float], q: float) -> float | None:
            if not values:
                return None
            ordered = sorted(values)
            return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

        return {
            "tickets": self.tickets,
            "first_response_median_s": round(median(self.first_response_s), 1) if self.first_response_s else None,
            "first_response_p90_s": p(self.first_response_s, 0.9),
            "handle_median_s": round(median(self.handle_s), 1) if self.handle_s else None,
            "sla_attainment": round(self.sla_met / self.sla_counted, 3) if self.sla_counted else None,
            "csat": round(sum(self.ratings) / len(self.ratings), 2) if self.ratings else None,
            "surveys": len(self.ratings),
        }


async def report(s: AsyncSession, since: datetime, until: datetime) -> dict[str, Any]:
    if until - since > timedelta(days=MAX_DAYS):
        raise ValueError(f"a report covers at most {MAX_DAYS} days")
    cutoff = min(until, utcnow())  # a target still ahead is neither met nor missed yet
    total = _Group()
    tiers: defaultdict[str, _Group] = defaultdict(_Group)
    agents: defaultdict[int, _Group] = defaultdict(_Group)
    volume: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = await s.stream(
        select(Ticket.channel, Customer.tier, Ticket.assignee_id, Ticket.created_at, Ticket.first_responded_at,
               Ticket.first_response_due_at, Ticket.solved_at)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(Ticket.created_at >= since, Ticket.created_at < until)
    )  # fmt: skip
    async for channel, tier, assignee, created, responded, due, solved in rows:
        volume[created.date().isoformat()][channel] += 1
        groups = [total, tiers[tier]] + ([agents[assignee]] if assignee is not None else [])
        for g in groups:
            g.tickets += 1
            if responded is not None:
                g.first_response_s.append((responded - created).total_seconds())
            if solved is not None:
                g.handle_s.append((solved - created).total_seconds())
            if due is not None and (responded is not None or due < cutoff):
                g.sla_counted += 1
                g.sla_met += int(responded is not None and responded <= due)
    surveys = await s.execute(
        select(Survey.rating, Survey.tier, Survey.agent_id).where(
            Survey.answered_at >= since, Survey.answered_at < until, Survey.rating.isnot(None)
        )
    )
    for rating, tier, agent_id in surveys.all():
        for g in [total, tiers[tier]] + ([agents[agent_id]] if agent_id is not None else []):
            g.ratings.append(int(rating or 0))
    names = dict((await s.execute(select(Agent.id, Agent.display_name).where(Agent.id.in_(list(agents))))).all())
    days = [(since + timedelta(days=i)).date().isoformat() for i in range((until - since).days)]
    channels = sorted({c for per_day in volume.values() for c in per_day})
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "channels": channels,
        "volume": [{"day": d, **{c: volume.get(d, {}).get(c, 0) for c in channels}} for d in days],
        "total": total.to_json(),
        "by_tier": {t: g.to_json() for t, g in sorted(tiers.items())},
        "by_agent": [
            {"agent_id": a, "name": names.get(a, f"#{a}"), **g.to_json()}
            for a, g in sorted(agents.items(), key=lambda kv: names.get(kv[0], ""))
        ],
    }


def as_csv(figures: dict[str, Any]) -> str:
    """One table: a row per slice (all, each tier, each agent), then the daily volume by channel."""
    out = io.StringIO()
    w = csv.writer(out)
    keys = ["tickets", "first_response_median_s", "first_response_p90_s", "handle_median_s", "sla_attainment",
            "csat", "surveys"]  # fmt: skip
    w.writerow(["slice", "name", *keys])
    w.writerow(["all", "", *(figures["total"][k] for k in keys)])
    for tier, g in figures["by_tier"].items():
        w.writerow(["tier", tier, *(g[k] for k in keys)])
    for g in figures["by_agent"]:
        w.writerow(["agent", _safe_cell(g["name"]), *(g[k] for k in keys)])
    w.writerow([])
    w.writerow(["day", *figures["channels"]])
    for day in figures["volume"]:
        w.writerow([day["day"], *(day[c] for c in figures["channels"])])
    return out.getvalue()


def _safe_cell(value: str) -> str:
    # A name starting with = + - @ would run as a formula when the file is opened in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
