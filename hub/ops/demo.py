"""Demo data for `hub demo`: agents with skills, tiered customers and tickets across channels."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents.accounts import create_agent
from hub.bus import EventBus
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Agent, AgentSkill, Customer, Identity, Queue, QueueMember
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.knowledge.cli import CLI
from hub.knowledge.transfer import import_documents, parse_json
from hub.routing.config import load_routing
from hub.settings import PROJECT_ROOT, Settings
from hub.tickets.calendar_store import sync_calendars
from hub.tickets.ingest import Ingestor
from hub.tickets.queues import sync_queues

DEMO_PASSWORD = "demo-password"  # noqa: S105 (printed for the demo logins on purpose)
AGENTS = [
    # email, name, role, languages, skills
    ("alice@demo.hub", "Alice Chen", "agent", ["en", "zh"], {"billing": 4, "refunds": 3}),
    ("wang.fang@demo.hub", "王芳", "agent", ["zh", "yue"], {"technical": 5, "billing": 2}),
    ("sam@demo.hub", "Sam Supervisor", "supervisor", ["en"], {"complaints": 4}),
    ("lin@demo.hub", "林知", "knowledge_manager", ["zh", "en"], {}),
]
CUSTOMERS = [
    # name, tier, identity kind, value, attributes
    ("李娜", "diamond", "email", "li.na@example.cn", {"lifetime_value": 58200, "city": "上海"}),
    ("Oliver Smith", "gold", "phone", "+14155550123", {"lifetime_value": 9100}),
    ("张伟", "silver", "email", "zhang.wei@example.cn", {"lifetime_value": 2300}),
    ("Maria Garcia", "general", "email", "maria@example.com", {}),
]
CONTACTS = [
    # customer index, channel, text, minutes ago
    (0, "email", "我的订单 #8812 已经付款三天了，还没有发货，请尽快处理。", 95),
    (1, "sms.twilio", "Hi, I was charged twice for my subscription this month. Can you refund one?", 40),
    (2, "email", "如何修改账户密码？收不到验证码。", 20),
    (3, "email", "The mobile app crashes when I open my order history.", 8),
    (0, "email", "补充一下：收货地址也需要改成北京市朝阳区。", 5),
]


async def seed(settings: Settings) -> list[tuple[str, str, str]]:
    """Idempotent: a second `hub demo` keeps what the first one made."""
    db = Database(settings.database_url, EventBus())
    try:
        await sync_calendars(db, settings.calendars)  # first: the queues' calendars must exist
        await sync_queues(db, settings.queues)
        async with db.write() as uow:
            s = uow.session
            if await s.scalar(select(Agent.id).limit(1)) is None:
                await _seed_people(s)
                seeded = True
            else:
                seeded = False
        if seeded:
            samples = PROJECT_ROOT / "config" / "knowledge" / "sample-articles.json"
            if samples.is_file():
                docs = parse_json(str(samples), samples.read_text(encoding="utf-8"))
                await import_documents(db, CLI, docs, publish=True, locales=settings.knowledge_locales)
            # Due times from the tier table, as the running hub gives its new tickets.
            ingestor = Ingestor(db, settings, load_routing(Path(settings.routing_config)).sla_minutes)
            now = utcnow()
            for n, (who, channel, text, ago) in enumerate(CONTACTS):
                _name, _tier, kind, value, _attrs = CUSTOMERS[who]
                await ingestor.ingest(
                    InboundEnvelope(
                        channel=channel,
                        external_id=f"demo-{n}",
                        sender=IdentityRef(kind, value),
                        text=text,
                        received_at=now - timedelta(minutes=ago),
                    )
                )
    finally:
        await db.dispose()
    return [(email, DEMO_PASSWORD, role) for email, _n, role, _l, _s in AGENTS]


async def _seed_people(s: AsyncSession) -> None:
    queues = list(await s.scalars(select(Queue)))
    for email, name, role, languages, skills in AGENTS:
        agent = await create_agent(
            s, email=email, display_name=name, role=role, password=DEMO_PASSWORD, languages=languages
        )
        for skill, level in skills.items():
            s.add(AgentSkill(agent_id=agent.id, skill=skill, level=level))
        for queue in queues:
            s.add(QueueMember(queue_id=queue.id, agent_id=agent.id))
    for name, tier, kind, value, attrs in CUSTOMERS:
        customer = Customer(display_name=name, tier=tier, attributes=attrs)
        s.add(customer)
        await s.flush()
        s.add(Identity(customer_id=customer.id, kind=kind, value=value, verified=True))
    await s.flush()
