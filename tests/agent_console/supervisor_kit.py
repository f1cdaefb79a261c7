"""What the supervisor pages' browser journeys share: a floor with history (a week of answered, solved and
rated tickets over several channels and tiers), agents in several states, and work waiting or live."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from hub.clock import utcnow
from hub.customers.tables import Survey
from hub.db.engine import Database
from hub.db.models import Agent, Customer, Ticket
from tests.conftest import Hub, make_agent
from tests.console_kit import contact

TIERS = ("diamond", "gold", "silver", "general")
CHANNELS = ("email", "webchat", "wechat", "sms.twilio")


async def _tier_of(db: Database, ticket_id: int, tier: str) -> None:
    async with db.write() as uow:
        customer_id = await uow.session.scalar(select(Ticket.customer_id).where(Ticket.id == ticket_id))
        await uow.session.execute(update(Customer).where(Customer.id == customer_id).values(tier=tier))


async def history(hub: Hub, db: Database, agents: list[Agent]) -> None:
    """A week of tickets: more each day, answered within minutes (diamond fastest), solved, some rated."""
    now = utcnow()
    made: list[tuple[int, str, str, datetime, Agent]] = []
    n = 0
    for days_ago in range(6, -1, -1):
        for k in range(2 + (6 - days_ago) % 4):
            n += 1
            ticket = await contact(hub, f"订单问题 order question {n}", who=f"c{n}@example.cn", n=n)
            created = now - timedelta(days=days_ago, hours=3 + k)
            made.append((ticket, TIERS[n % 4], CHANNELS[(n + days_ago) % 4], created, agents[n % len(agents)]))
    # Rewritten afterwards, in one transaction and in id order: the hub's own work on new tickets (routing)
    # may still touch them, and a deadlock with it is retried as any client would.
    for attempt in range(3):
        try:
            await _rewrite(db, made)
            return
        except DBAPIError as e:
            if "deadlock" not in str(e) or attempt == 2:
                raise


async def _rewrite(db: Database, made: list[tuple[int, str, str, datetime, Agent]]) -> None:
    async with db.write() as uow:
        for i, (ticket, tier, channel, created, agent) in enumerate(sorted(made, key=lambda m: m[0])):
            answered = created + timedelta(minutes=2 + 4 * TIERS.index(tier) + i % 3)
            customer_id = await uow.session.scalar(select(Ticket.customer_id).where(Ticket.id == ticket))
            assert customer_id is not None
            await uow.session.execute(update(Customer).where(Customer.id == customer_id).values(tier=tier))
            await uow.session.execute(
                update(Ticket).where(Ticket.id == ticket).values(
                    channel=channel, created_at=created, first_responded_at=answered,
                    first_response_due_at=created + timedelta(minutes=15), solved_at=answered + timedelta(hours=1),
                    status="solved", assignee_id=agent.id,
                )
            )  # fmt: skip
            uow.session.add(Survey(ticket_id=ticket, customer_id=customer_id, token=secrets.token_hex(8),
                                   channel=channel, agent_id=agent.id, tier=tier, rating=5 - i % 3,
                                   answered_at=answered + timedelta(hours=2)))  # fmt: skip


async def floor(db: Database) -> list[Agent]:
    """Colleagues online in several states (as another hub process would have them), none available."""
    names = (("wang.fang@example.test", "王芳", "busy"), ("li.lei@example.test", "李雷", "away"),
             ("maria@example.test", "Maria Silva", "busy"))  # fmt: skip
    made = []
    for email, name, _status in names:
        agent = await make_agent(db, email)
        async with db.write() as uow:
            await uow.session.execute(update(Agent).where(Agent.id == agent.id).values(display_name=name))
        made.append(agent)
    await keep_online(db, made, [s for *_, s in names])
    return made


async def keep_online(db: Database, agents: list[Agent], states: list[str]) -> None:
    """Seen just now: the board counts agents a living process has refreshed within 90 s; each in their state
    for a while already, as another process's agents would be."""
    now = utcnow()
    async with db.write() as uow:
        for n, (agent, status) in enumerate(zip(agents, states, strict=True)):
            since = now - timedelta(minutes=12 * (n + 1))
            await uow.session.execute(
                update(Agent)
                .where(Agent.id == agent.id)
                .values(presence=status, last_seen_at=now, presence_since=since)
            )


async def work(hub: Hub, db: Database, live_with: Agent) -> tuple[list[int], int]:
    """Tickets waiting (a diamond one among them, one asking for a skill) and one live chat with an agent."""
    waiting = []
    for i, (tier, text) in enumerate((("diamond", "退款还没到账 refund missing"), ("gold", "发票开错了 wrong invoice"),
                                      ("general", "How do I change my address?"))):  # fmt: skip
        skills = {"requirements": {"skills": {"refunds": 2}}} if i == 0 else {}
        ticket = await contact(hub, text, who=f"w{i}@example.cn", n=100 + i)
        await _tier_of(db, ticket, tier)
        if skills:
            async with db.write() as uow:
                await uow.session.execute(update(Ticket).where(Ticket.id == ticket).values(**skills))
        waiting.append(ticket)
    live = await contact(hub, "在线咨询 chat question", who="chat@example.cn", n=200)
    async with db.write() as uow:
        await uow.session.execute(
            update(Ticket).where(Ticket.id == live).values(channel="webchat", assignee_id=live_with.id, status="open")
        )
    return waiting, live
