"""Routing over REST: the yellow pages (search, edit), answering offers, the supervisors' queue statistics."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import select

from hub import keys
from hub.agents import audit
from hub.agents.evidence import evidence_for
from hub.agents.profile import ProfileError, channels_of, edit_profile, skills_of, works_on
from hub.api.errors import path_id, require
from hub.api.refusal import refuse, refuse_as, refuse_for
from hub.api.requests_people import Nothing, OwnLimits, ProfileBody
from hub.api.requests_tickets import OfferAnswer
from hub.api.validation import read_as, read_optional_as
from hub.api.yellow_pages import speaks, text_matches
from hub.clock import utcnow
from hub.customers.identities import e164
from hub.db.models import Agent, AgentSkill
from hub.routing.config import RoutingConfigError, load_routing
from hub.routing.offers import OfferError
from hub.routing.stats import queue_stats
from hub.tickets.replies import TicketNotFound

routes = web.RouteTableDef()


def _entry(
    agent: Agent,
    skills: dict[str, int],
    presence: str,
    defaults: Mapping[str, int],
    evidence: dict[str, dict[str, float]] | None = None,
) -> dict[str, Any]:
    return {
        "id": agent.id,
        "email": agent.email,
        "display_name": agent.display_name,
        "role": agent.role,
        "presence": presence,
        "languages": agent.languages,
        "skills": [{"skill": k, "level": v} for k, v in sorted(skills.items(), key=lambda kv: (-kv[1], kv[0]))],
        "channels": channels_of(agent, defaults),
        "capacity": agent.capacity,
        "tiers": agent.tiers,
        "topics": agent.topics,
        "voice_endpoint": agent.voice_endpoint,
        "own_limits": agent.own_limits or {},
        # From outcomes, not self-assessment: tickets needing the skill this agent solved, and how fast.
        "evidence": evidence or {},
    }


@routes.get("/api/v1/agents")
async def search_agents(request: web.Request) -> web.Response:
    """?skill=refunds&min_level=3&language=yue&channel=webchat&q=wine&available=1, best level first.
    q finds names in pinyin too (张伟: "zhang wei", "zhangwei", "zw"); channel= those who work it."""
    await require(request)
    q = request.query
    skill, language, channel, text = q.get("skill"), q.get("language"), q.get("channel"), q.get("q", "")
    try:
        min_level = int(q.get("min_level", "1"))
    except ValueError:
        min_level = 0
    if not 1 <= min_level <= 5:
        raise refuse(400, "min_level must be 1-5")
    presence = request.app[keys.PRESENCE]
    defaults = request.app[keys.ROUTING].config.capacity
    async with request.app[keys.DB].read() as s:
        agents = list(await s.scalars(select(Agent).where(Agent.active).order_by(Agent.id)))
        skills: dict[int, dict[str, int]] = {}
        for row in await s.scalars(select(AgentSkill)):
            skills.setdefault(row.agent_id, {})[row.skill] = row.level
    # A channel nobody can work (a typo, "fax") is refused, not answered with everyone routing's default lets in.
    known = {*defaults, *(c for a in agents for c in (a.capacity or {}))}
    if channel and channel not in known:
        raise refuse(
            400, "unknown channel '%(channel)s'; one of %(choices)s", channel=channel, choices=", ".join(sorted(known))
        )
    found = []
    for a in agents:
        mine = skills.get(a.id, {})
        if skill and mine.get(skill, 0) < min_level:
            continue
        if language and not speaks(a, language):
            continue
        if channel and not works_on(a, channel, defaults):
            continue
        if not text_matches(a, mine, text):
            continue
        if q.get("available") == "1" and presence.status_of(a.id) != "available":
            continue
        found.append((mine.get(skill, 0) if skill else 0, a, mine))
    async with request.app[keys.DB].read() as s:
        proof = await evidence_for(s, [a.id for _, a, _ in found])

    def solved(agent_id: int) -> float:
        return proof.get(agent_id, {}).get(skill or "", {}).get("resolved", 0)

    # Best level first; among equals, whoever has solved more of these tickets.
    found.sort(key=lambda f: (-f[0], -solved(f[1].id), f[1].id))
    entries = [_entry(a, mine, presence.status_of(a.id), defaults, proof.get(a.id)) for _, a, mine in found]
    return web.json_response({"agents": entries})


@routes.patch("/api/v1/agents/{id}/profile")
@routes.put("/api/v1/agents/{id}/profile")
async def edit_agent_profile(request: web.Request) -> web.Response:
    """The yellow-pages entry: display_name, skills {name: 1-5}, languages, channels, capacity {channel: n},
    tiers, topics, voice_endpoint. Each field sent replaces that part; fields left out stay ({} changes nothing).
    Supervisors and admins edit anyone's entry, agents read them (as in Zendesk); every change is audited."""
    actor = await require(request, "supervisor")
    agent_id = path_id(request)
    sent = (await read_as(request, ProfileBody)).given()
    if "voice_endpoint" in sent:
        sent["voice_endpoint"] = _voice_endpoint(sent["voice_endpoint"])
    defaults = request.app[keys.ROUTING].config.capacity
    async with request.app[keys.DB].write() as uow:
        agent = await uow.session.get(Agent, agent_id)
        if agent is None:
            raise refuse(404, "no such agent")
        try:
            await edit_profile(uow.session, actor, agent, sent, defaults)
        except ProfileError as exc:
            raise refuse_for(422, exc) from None
        skills = await skills_of(uow.session, agent_id)
        entry = _entry(agent, skills, request.app[keys.PRESENCE].status_of(agent_id), defaults)
    return web.json_response(entry)


def _voice_endpoint(raw: object) -> str | None:
    """Where calls ring: a phone number (normalized to E.164), sip:user@host, or client:identity."""
    if raw is None or raw == "":
        return None
    text = str(raw).strip()
    if re.fullmatch(r"sip:[^\s@]+@[^\s@]+", text) or re.fullmatch(r"client:[A-Za-z0-9_.-]{1,100}", text):
        return text
    try:
        return e164(text)
    except ValueError:
        raise refuse(
            400, "voice_endpoint must be +E.164, sip:user@host or client:identity (or null for no calls)"
        ) from None


@routes.get("/api/v1/queues/stats")
async def stats(request: web.Request) -> web.Response:
    await require(request, "supervisor")
    async with request.app[keys.DB].read() as s:
        body = await queue_stats(s, utcnow())
    return web.json_response(body)


@routes.post("/api/v1/routing/reload")
async def reload_policy(request: web.Request) -> web.Response:
    """Read routing.toml again. A bad file is refused with its line or key, and the running policy stays."""
    actor = await require(request, "supervisor")
    await read_optional_as(request, Nothing)
    path = Path(request.app[keys.SETTINGS].routing_config)
    try:
        config = load_routing(path)
    except RoutingConfigError as exc:
        # The key is the file's problem (the reader's language says it); the English sentence adds that nothing
        # changed, which the refusal itself tells a translated page.
        raise refuse_as(422, exc.wording, message=f"{exc}; the running policy stays") from None
    request.app[keys.ROUTING].reload(config)
    async with request.app[keys.DB].write() as uow:
        audit.record(uow.session, actor, "routing.reloaded", "routing", None, file=str(path))
    return web.json_response(
        {"filters": [f.name for f in config.filters], "tiers": list(config.tier_names), "offers": config.offers}
    )


@routes.post("/api/v1/tickets/{id}/offer")
async def answer_offer(request: web.Request) -> web.Response:
    """The offered agent accepts ({"accept": true}) or declines ({"accept": false}) a ticket offered to them."""
    principal = await require(request, "agent", "supervisor")
    accept = (await read_as(request, OfferAnswer)).accept
    if principal.agent_id is None:
        raise refuse(400, 'send {"accept": true} or {"accept": false} as a signed-in agent')
    try:
        ticket = await request.app[keys.ROUTING].respond(path_id(request), principal.agent_id, accept)
    except TicketNotFound:
        raise refuse(404, "no such ticket") from None
    except OfferError as exc:
        raise refuse_for(409, exc) from None
    return web.json_response({"ticket": ticket.to_json()})


@routes.put("/api/v1/agents/me/limits")
async def set_own_limits(request: web.Request) -> web.Response:
    """The signed-in agent's own per-channel limits ({"webchat": 1}; {} lifts them): at most the capacity they
    are allowed (their profile's, else the routing default). Routing reads them within seconds."""
    actor = await require(request, "agent", "supervisor")
    if actor.agent_id is None:
        raise refuse(400, "limits belong to a signed-in agent, not an API token")
    body = (await read_as(request, OwnLimits)).root
    defaults = request.app[keys.ROUTING].config.capacity
    async with request.app[keys.DB].write() as uow:
        agent = await uow.session.get_one(Agent, actor.agent_id)
        allowed = {**defaults, **{k: int(v) for k, v in (agent.capacity or {}).items()}}
        for channel, limit in body.items():
            if channel not in allowed:
                raise refuse(
                    400,
                    "unknown channel '%(channel)s'; one of %(choices)s",
                    channel=channel,
                    choices=", ".join(sorted(allowed)),
                )
            if limit > allowed[channel]:
                raise refuse(
                    422, "%(channel)s: a whole number from 0 to %(max)s", channel=channel, max=allowed[channel]
                )
        agent.own_limits = dict(body)
        audit.record(uow.session, actor, "agent.own_limits", "agent", agent.id, limits=body)
    return web.json_response({"own_limits": body, "allowed": allowed})
