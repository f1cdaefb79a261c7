"""Console pages: login, the live ticket list and the ticket view with the customer's history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import delete, select

from hub import audit, keys
from hub.accounts import Principal, authenticate, create_session, end_session
from hub.agent_console.auth import SESSION_COOKIE, principal_from_credentials
from hub.agent_console.throttle import LoginThrottle
from hub.customers.history import timeline
from hub.db.models import Agent, ConsoleSession
from hub.db.types import utcnow
from hub.ticket_views import TicketFilter, list_tickets, ticket_detail
from hub.tickets import ACTIVE

routes = web.RouteTableDef()
THROTTLE = web.AppKey("login_throttle", LoginThrottle)


async def _console_principal(request: web.Request) -> Principal:
    token = request.cookies.get(SESSION_COOKIE)
    principal = await principal_from_credentials(request.app[keys.DB], None, token) if token else None
    if principal is None or not principal.has_role("agent", "supervisor"):
        raise web.HTTPFound(f"/login?next={request.path_qs}" if principal is None else "/login?denied=1")
    return principal


def _safe_next(target: str | None) -> str:
    # Only same-site paths: "//evil.example" or "http://..." would make this an open redirect.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/console"


@routes.get("/login")
@aiohttp_jinja2.template("console/login.html")
async def login_page(request: web.Request) -> dict[str, Any]:
    denied = "Your role cannot use the agent console." if "denied" in request.query else None
    return {"next": _safe_next(request.query.get("next")), "error": denied}


@routes.post("/login")
async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    settings = request.app[keys.SETTINGS]
    throttle, address = request.app[THROTTLE], request.remote or "unknown"
    wait = throttle.retry_after(email, address)
    if wait:
        context = {
            "next": _safe_next(str(form.get("next", ""))),
            "error": f"Too many failed sign-ins. Try again in {max(1, wait // 60)} minute(s).",
        }
        response = aiohttp_jinja2.render_template("console/login.html", request, context, status=429)
        response.headers["Retry-After"] = str(wait)
        return response
    async with request.app[keys.DB].write() as uow:
        agent = await authenticate(uow.session, email, password)
        # Expired sessions are useless; sign-ins are rare enough to sweep them here.
        await uow.session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at < utcnow()))
        if agent is not None:
            max_age = timedelta(hours=settings.session_max_age_hours)
            token, _ = await create_session(uow.session, agent, max_age)
            audit.record(uow.session, None, "agent.login", "agent", agent.id)
    if agent is None:
        throttle.failed(email, address)
        context = {"next": _safe_next(str(form.get("next", ""))), "error": "Wrong email or password."}
        return aiohttp_jinja2.render_template("console/login.html", request, context, status=401)
    throttle.succeeded(email)
    response = web.HTTPFound(_safe_next(str(form.get("next", ""))))
    # Behind a TLS-terminating proxy the request itself looks like plain HTTP; the public URL knows better.
    secure = request.secure or (settings.public_url or "").startswith("https://")
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(max_age.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=secure,
        path="/",
    )
    raise response


@routes.post("/logout")
async def logout(request: web.Request) -> web.StreamResponse:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        async with request.app[keys.DB].write() as uow:
            await end_session(uow.session, token)
    response = web.HTTPFound("/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


@routes.get("/console")
@aiohttp_jinja2.template("console/tickets.html")
async def console(request: web.Request) -> dict[str, Any]:
    principal = await _console_principal(request)
    async with request.app[keys.DB].read() as s:
        tickets = await list_tickets(s, TicketFilter(statuses=tuple(ACTIVE), limit=200))
    return {"me": principal, "tickets": [t.to_json() for t in tickets]}


@routes.get("/console/tickets/{id:\\d+}")
@aiohttp_jinja2.template("console/ticket.html")
async def ticket_page(request: web.Request) -> dict[str, Any]:
    principal = await _console_principal(request)
    async with request.app[keys.DB].read() as s:
        detail = await ticket_detail(s, int(request.match_info["id"]))
        if detail is None:
            raise web.HTTPNotFound(text="No such ticket.")
        history = await timeline(s, detail.ticket.customer_id, limit=50)
        agents = dict((await s.execute(select(Agent.id, Agent.display_name))).all())
    return {
        "me": principal,
        "ticket": detail.ticket.to_json(),
        "interactions": [i.to_json() for i in detail.interactions],
        "identities": detail.identities,
        "history": [h.to_json() for h in history],
        "agents": agents,
    }
