"""What an agent should know about a customer at a glance: churn risk (with its reasons), complaints,
and the service strategy their value and loyalty call for (CRM's value x loyalty matrix)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.clock import utcnow
from hub.customers.tables import Survey
from hub.db.models import ACTIVE, Customer, Interaction, Ticket

WINDOW = timedelta(days=90)
LOYAL_AFTER = timedelta(days=180)
STRATEGIES = {
    ("high", True): ("dedicated", "Dedicated service: a named agent, proactive contact, the fastest targets."),
    ("high", False): ("retain", "Retention: priority handling; a supervisor follows up every complaint."),
    ("low", True): ("nurture", "Standard service with a personal touch; a good moment to offer more."),
    ("low", False): ("standard", "Standard service: self-service and the knowledge base first."),
}


@dataclass(frozen=True, slots=True)
class Insight:
    churn_score: int
    factors: list[str] = field(default_factory=list)
    complaints_open: int = 0
    strategy: str = "standard"
    strategy_text: str = ""

    @property
    def churn_level(self) -> str:
        return "high" if self.churn_score >= 60 else "medium" if self.churn_score >= 30 else "low"

    def to_json(self) -> dict[str, Any]:
        return {
            "churn": {"score": self.churn_score, "level": self.churn_level, "factors": self.factors},
            "complaints_open": self.complaints_open,
            "strategy": {"name": self.strategy, "text": self.strategy_text},
        }


def complaint(requirements: dict[str, Any] | None, tags: list[Any] | None) -> bool:
    """A ticket that needed the complaints skill (routing's keyword rules) or carries the complaint tag."""
    return "complaints" in (requirements or {}).get("skills", {}) or "complaint" in (tags or [])


async def at_risk(s: AsyncSession, top_tiers: tuple[str, ...], least: int, limit: int = 100) -> list[dict[str, Any]]:
    """Customers active in the last 90 days whose churn risk is at least `least`, riskiest first. Looks at
    the 500 most recently active customers: the list is for today's attention, not an archive."""
    since = utcnow() - WINDOW
    recent = (
        select(Ticket.customer_id, func.max(Ticket.created_at).label("last"))
        .where(Ticket.created_at >= since)
        .group_by(Ticket.customer_id)
        .order_by(func.max(Ticket.created_at).desc())
        .limit(500)
        .subquery()
    )
    customers = list(await s.scalars(select(Customer).join(recent, recent.c.customer_id == Customer.id)))
    found = []
    for customer in customers:
        seen = await insight(s, customer, top_tiers)
        if seen.churn_score >= least:
            found.append({"customer_id": customer.id, "name": customer.display_name, "tier": customer.tier,
                          **seen.to_json()})  # fmt: skip
    found.sort(key=lambda f: (-f["churn"]["score"], f["customer_id"]))
    return found[:limit]


async def insight(
    s: AsyncSession, customer: Customer, top_tiers: tuple[str, ...], now: datetime | None = None
) -> Insight:
    now = now or utcnow()
    since = now - WINDOW
    mine = Ticket.customer_id == customer.id
    tickets = list(
        (
            await s.execute(
                select(Ticket.status, Ticket.requirements, Ticket.tags, Ticket.first_response_due_at,
                       Ticket.first_responded_at, Ticket.created_at).where(mine, Ticket.created_at >= since)
            )
        ).all()
    )  # fmt: skip
    factors: list[str] = []
    score = 0
    complaints = [t for t in tickets if complaint(t.requirements, t.tags)]
    if complaints:
        score += min(40, 20 * len(complaints))
        factors.append(f"{len(complaints)} complaint(s) in 90 days")
    late = [t for t in tickets if t.first_response_due_at and (t.first_responded_at or now) > t.first_response_due_at]
    if late:
        score += min(20, 10 * len(late))
        factors.append(f"waited past the first-response target {len(late)} time(s)")
    ratings = list(
        await s.scalars(
            select(Survey.rating)
            .where(Survey.customer_id == customer.id, Survey.rating.isnot(None))
            .order_by(Survey.answered_at.desc())
            .limit(3)
        )
    )
    if ratings:
        average = sum(r for r in ratings if r is not None) / len(ratings)
        if average <= 2:
            score += 25
            factors.append(f"poor satisfaction ({average:.1f}/5 lately)")
        elif average <= 3:
            score += 10
            factors.append(f"lukewarm satisfaction ({average:.1f}/5 lately)")
    contacts = (
        select(func.count())
        .select_from(Interaction)
        .where(Interaction.customer_id == customer.id, Interaction.direction == "inbound")
    )
    recent = await s.scalar(contacts.where(Interaction.created_at >= since)) or 0
    before = (
        await s.scalar(contacts.where(Interaction.created_at < since, Interaction.created_at >= since - WINDOW)) or 0
    )
    if before >= 3 and recent <= before / 3:
        score += 15
        factors.append(f"contact falling away ({before} then {recent} in 90 days)")
    score = min(100, score)
    created = customer.created_at
    loyal = created is not None and now - created >= LOYAL_AFTER and score < 30
    value = "high" if customer.tier in top_tiers else "low"
    name, text = STRATEGIES[(value, loyal)]
    open_complaints = sum(1 for t in complaints if t.status in ACTIVE)
    return Insight(score, factors, open_complaints, name, text)
