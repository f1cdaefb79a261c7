"""Agent accounts for the admin pages: every agent (inactive ones too) and creating one (admins only)."""

from __future__ import annotations

from typing import Annotated, Any

from aiohttp import web
from pydantic import Field, StringConstraints
from sqlalchemy import select

from hub import keys
from hub.agents import audit
from hub.agents.profile import channels_of
from hub.api.errors import require
from hub.api.refusal import refuse
from hub.api.requests_people import Role
from hub.api.validation import Body, read_as
from hub.db.models import Agent, AgentSkill
from hub.signin.passwords import MAX_PASSWORD

routes = web.RouteTableDef()
Email = Annotated[str, StringConstraints(min_length=3, max_length=254, pattern=r"^\s*[^@\s]+@[^@\s]+\s*$")]


class AgentNew(Body):
    """POST /api/v1/agents: a new agent who signs in with this e-mail address and password."""

    email: Email
    display_name: Annotated[str, StringConstraints(max_length=200)] = Field("", description="the e-mail when empty")
    role: Role = "agent"
    password: Annotated[str, StringConstraints(min_length=8, max_length=MAX_PASSWORD)]
    languages: list[Annotated[str, StringConstraints(min_length=1, max_length=35)]] = Field(
        default_factory=list, max_length=20
    )


def account_json(agent: Agent, skills: dict[str, int], defaults: dict[str, int]) -> dict[str, Any]:
    return {
        "id": agent.id,
        "email": agent.email,
        "display_name": agent.display_name,
        "role": agent.role,
        "active": agent.active,
        "languages": agent.languages,
        "skills": [{"skill": k, "level": v} for k, v in sorted(skills.items(), key=lambda kv: (-kv[1], kv[0]))],
        "channels": channels_of(agent, defaults),
        "capacity": agent.capacity or {},
    }


@routes.get("/api/v1/agents/accounts")
async def list_accounts(request: web.Request) -> web.Response:
    """Every agent by id, with active, role, skills, languages and capacity (GET /api/v1/agents lists the active)."""
    await require(request, "admin")
    defaults = dict(request.app[keys.ROUTING].config.capacity)
    async with request.app[keys.DB].read() as s:
        agents = list(await s.scalars(select(Agent).order_by(Agent.id)))
        skills: dict[int, dict[str, int]] = {}
        for row in await s.scalars(select(AgentSkill)):
            skills.setdefault(row.agent_id, {})[row.skill] = row.level
    return web.json_response({"agents": [account_json(a, skills.get(a.id, {}), defaults) for a in agents]})


@routes.post("/api/v1/agents")
async def create_account(request: web.Request) -> web.Response:
    """201 with the new agent; 409 when the e-mail address is taken."""
    actor = await require(request, "admin")
    body = await read_as(request, AgentNew)
    email = body.email.strip().lower()
    checks = request.app[keys.PASSWORD_CHECKS]
    # Hashing shares the sign-in worker pool and its cap: argon2 never runs on the event loop.
    async with checks.slot(may_wait=True) as had:
        if not had:
            raise refuse(429, "the hub is busy checking passwords; try again")
        password_hash = await checks.hash(body.password)
    async with request.app[keys.DB].write() as uow:
        if await uow.session.scalar(select(Agent.id).where(Agent.email == email)) is not None:
            raise refuse(409, "an agent with email %(email)s exists already", email=email)
        agent = Agent(
            email=email,
            display_name=body.display_name.strip() or email,
            role=body.role,
            password_hash=password_hash,
            languages=body.languages,
        )
        uow.session.add(agent)
        await uow.session.flush()
        audit.record(uow.session, actor, "agent.created", "agent", agent.id, via="api", role=agent.role)
        answer = account_json(agent, {}, dict(request.app[keys.ROUTING].config.capacity))
    return web.json_response(answer, status=201)
