"""Administration of access over REST (admins only): API tokens, agents' activity, roles and passwords."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from hub import keys
from hub.agents import credentials
from hub.agents.accounts import AccountError
from hub.api.errors import path_id, require
from hub.api.refusal import refuse, refuse_for
from hub.api.requests_people import AgentChangeBody, Nothing, PasswordBody, TokenBody
from hub.api.validation import read_as, read_optional_as
from hub.db.models import Agent

routes = web.RouteTableDef()


def _agent_json(agent: Agent) -> dict[str, Any]:
    return {
        "id": agent.id,
        "email": agent.email,
        "display_name": agent.display_name,
        "role": agent.role,
        "active": agent.active,
    }


def _refused(exc: AccountError) -> web.HTTPException:
    if isinstance(exc, credentials.NotFound):
        return refuse_for(404, exc)
    return refuse_for(422, exc)


@routes.get("/api/v1/tokens")
async def list_tokens(request: web.Request) -> web.Response:
    await require(request, "admin")
    async with request.app[keys.DB].read() as s:
        rows = await credentials.list_tokens(s)
        return web.json_response({"tokens": [credentials.token_json(r) for r in rows]})


@routes.post("/api/v1/tokens")
async def create_token(request: web.Request) -> web.Response:
    """{"role": "agent", "name": "crm sync", "expires": "90d"}: the token is in this answer only."""
    actor = await require(request, "admin")
    body = await read_as(request, TokenBody)
    role, name, expires = body.role, body.name, body.expires
    try:
        span = credentials.parse_expiry(expires) if expires is not None else None
        async with request.app[keys.DB].write() as uow:
            token, row = await credentials.create(uow, actor, role=role, name=name.strip(), expires_in=span, via="api")
            answer = {"token": token, **credentials.token_json(row)}
    except AccountError as exc:
        raise _refused(exc) from None
    return web.json_response(answer, status=201)


@routes.post("/api/v1/tokens/{id}/revoke")
async def revoke_token(request: web.Request) -> web.Response:
    """The token stops working at once; sockets opened with it are closed."""
    actor = await require(request, "admin")
    token_id = path_id(request)
    await read_optional_as(request, Nothing)
    try:
        async with request.app[keys.DB].write() as uow:
            row = await credentials.revoke_token(uow, actor, token_id, via="api")
            answer = credentials.token_json(row)
    except AccountError as exc:
        raise _refused(exc) from None
    return web.json_response({"token": answer})


@routes.patch("/api/v1/agents/{id}")
async def change_agent(request: web.Request) -> web.Response:
    """{"active": false} deactivates (signed out everywhere, no new work), {"active": true} reactivates,
    {"role": "supervisor"} changes the role."""
    actor = await require(request, "admin")
    agent_id = path_id(request)
    body = await read_as(request, AgentChangeBody)
    active, role = body.active, body.role
    try:
        async with request.app[keys.DB].write() as uow:
            agent = await credentials.find_agent(uow, agent_id=agent_id)
            if role is not None:
                await credentials.set_role(uow, actor, agent, role, via="api")
            if active is not None:
                await credentials.set_active(uow, actor, agent, active, via="api")
            answer = _agent_json(agent)
    except AccountError as exc:
        raise _refused(exc) from None
    return web.json_response({"agent": answer})


@routes.put("/api/v1/agents/{id}/password")
async def set_password(request: web.Request) -> web.Response:
    """{"password": "..."} sets it; {"generate": true} resets it to a new random one, in this answer only.
    Either way the agent is signed out everywhere."""
    actor = await require(request, "admin")
    agent_id = path_id(request)
    body = await read_as(request, PasswordBody)
    generate = body.generate
    password = body.password if body.password is not None else credentials.generated_password()
    checks = request.app[keys.PASSWORD_CHECKS]
    try:
        # Hashing shares the sign-in worker pool and its cap: argon2 never runs on the event loop.
        async with checks.slot(may_wait=True) as had:
            if not had:
                raise refuse(429, "the hub is busy checking passwords; try again")
            password_hash = await checks.hash(password)
        async with request.app[keys.DB].write() as uow:
            agent = await credentials.find_agent(uow, agent_id=agent_id)
            await credentials.set_password_hash(uow, actor, agent, password_hash, via="api", generated=generate is True)
            answer: dict[str, Any] = {"agent": _agent_json(agent)}
    except AccountError as exc:
        raise _refused(exc) from None
    if generate is True:
        answer["password"] = password
    return web.json_response(answer)
