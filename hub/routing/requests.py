"""What one ticket asks of routing: its requirements (derived once), then its RouteRequest (continuity, steps'
wait, declines), screened for the unknown."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import AgentSkill, Ticket
from hub.knowledge.text import guess_locale
from hub.routing import offers
from hub.routing.config import RoutingConfig
from hub.routing.model import RouteRequest
from hub.routing.rows import AnyTicket, RoutedTicket
from hub.routing.wording import customer_words, words_of

SKILLS_TTL_S = 30.0  # how stale the set of skills anyone has may be


async def derive_requirements(
    s: AsyncSession, ticket: AnyTicket, config: RoutingConfig, words: str | None = None
) -> None:
    """Skills and language from what the customer wrote and where they came in, once per ticket. `words`: the
    ticket's `customer_words` when the caller has read them already (for a batch at once)."""
    if "skills" in ticket.requirements:
        return
    if words is None:
        words = await customer_words(s, ticket)  # the subject and what the first message says
    derived = config.requirements_for(words, ticket.requirements.get("entry"))
    for skill, level in (ticket.requirements.get("entry_skills") or {}).items():
        derived["skills"][skill] = max(int(level), derived["skills"].get(skill, 0))
    if ticket.requirements.get("language"):
        derived["language"] = ticket.requirements["language"]  # chosen by the customer: it wins
    if derived["language"] is None:
        derived["language"] = "zh" if guess_locale(words) == "zh-CN" else "en"
    ticket.requirements = {**ticket.requirements, **derived}


class Requests:
    def __init__(self, is_online: Callable[[int], bool]) -> None:
        self._is_online = is_online  # presence: is the customer's last agent still here to hold the ticket for
        self._skills: set[str] = set()
        self._skills_read_at = -1e18
        self._last: dict[int, int | None] = {}  # customer -> previous agent, read with a batch
        self._firsts: dict[int, str | None] = {}  # ticket -> its first inbound text, for tickets not yet derived

    def given(self, tickets: list[RoutedTicket]) -> None:
        """A batch's tickets came with each customer's previous agent and, for tickets whose requirements are not
        derived yet, their first message (rows.read): nothing to read per ticket."""
        self._firsts = {t.id: t.first for t in tickets if "skills" not in t.requirements}
        self._last = {t.customer_id: t.previous for t in tickets}

    def assigned(self, customer_id: int, agent_id: int) -> None:
        """Within a batch, the customer's next ticket sees this one's agent as their previous one."""
        if customer_id in self._last:
            self._last[customer_id] = agent_id

    async def derive(self, s: AsyncSession, ticket: RoutedTicket, config: RoutingConfig) -> None:
        """derive_requirements, with the first message read with the batch (see given)."""
        await derive_requirements(s, ticket, config, words_of(ticket, self._firsts.get(ticket.id)))

    def done(self) -> None:
        self._last = {}
        self._firsts = {}

    async def build(
        self, s: AsyncSession, ticket: RoutedTicket, tier: str, queue: str, now: datetime, config: RoutingConfig
    ) -> tuple[RouteRequest, list[str]]:
        """`config` is the engine's current one (it may be reloaded between two calls)."""
        return await self._screen(s, await self._request(s, ticket, tier, queue, now, config), config)

    async def _screen(
        self, s: AsyncSession, req: RouteRequest, config: RoutingConfig
    ) -> tuple[RouteRequest, list[str]]:
        """Unknown tiers and skills route by the default rules, with a warning in the reasons."""
        warnings = []
        if req.tier not in config.tier_names:
            warnings.append(f"warning: tier {req.tier!r} is not in routing.toml; routed by the default filter")
        known = await self._known_skills(s)
        unknown = sorted(set(req.skills) - known)
        if unknown:
            warnings.append(
                f"warning: no agent has {', '.join(unknown)}; routed without {'it' if len(unknown) == 1 else 'them'}"
            )
            req = replace(req, skills={k: v for k, v in req.skills.items() if k in known})
        return req, warnings

    async def _known_skills(self, s: AsyncSession) -> set[str]:
        now = asyncio.get_running_loop().time()
        if now - self._skills_read_at > SKILLS_TTL_S:
            self._skills = set(await s.scalars(select(AgentSkill.skill).distinct()))
            self._skills_read_at = now
        return self._skills

    async def _request(
        self, s: AsyncSession, ticket: RoutedTicket, tier: str, queue: str, now: datetime, config: RoutingConfig
    ) -> RouteRequest:
        if ticket.customer_id in self._last:
            last_agent = self._last[ticket.customer_id]
        else:
            last_agent = await s.scalar(
                select(Ticket.assignee_id)
                .where(
                    Ticket.customer_id == ticket.customer_id,
                    Ticket.id != ticket.id,
                    Ticket.assignee_id.is_not(None),
                )
                .order_by(Ticket.updated_at.desc())
                .limit(1)
            )
        waited = max(0.0, (now - ticket.created_at).total_seconds())
        hold = 0.0
        if last_agent is not None and config.continuity_s and self._is_online(last_agent):
            hold = max(0.0, config.continuity_s - waited)
        return RouteRequest(
            ticket_id=ticket.id,
            channel=ticket.channel,
            tier=tier,
            skills=dict(ticket.requirements.get("skills") or {}),
            language=ticket.requirements.get("language"),
            last_agent_id=last_agent,
            hold_for_last_s=hold,
            queue=queue,
            waited_s=waited,
            exclude=offers.declined_by(ticket, now, timedelta(seconds=config.reoffer_after_s)),
        )
