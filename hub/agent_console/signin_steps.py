"""The second step of signing in: a code from the agent's app (or a recovery code), or enrolling an app first."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from hub import keys
from hub.agent_console.pages import language_of, render_page
from hub.agent_console.signin import SIGNIN, read_form, signed_in, text_field, too_many
from hub.agents import audit
from hub.db.models import Agent
from hub.ops.client_address import client_address
from hub.signin import second_factor
from hub.signin.challenges import CHALLENGE_COOKIE, Pending, close, pending, spend_try

routes = web.RouteTableDef()
MAX_CODE = 64


async def _pending(request: web.Request, purpose: str) -> tuple[Pending, Agent]:
    async with request.app[keys.DB].read() as s:
        found = await pending(s, request.cookies.get(CHALLENGE_COOKIE))
        agent = await s.get(Agent, found.agent_id) if found is not None else None
    if found is None or found.purpose != purpose or agent is None or not agent.active:
        raise web.HTTPFound("/login")  # expired, used up, or never there: the password first
    return found, agent


def _enrol_context(request: web.Request, agent: Agent, secret: str) -> dict[str, Any]:
    return {
        "secret": secret,
        "uri": second_factor.provisioning_uri(secret, agent.email),
        "action": "/login/enrol",
        "csrf": "",
        "required": True,
    }


@routes.get("/login/code")
async def code_page(request: web.Request) -> web.StreamResponse:
    await _pending(request, "code")
    return render_page("console/login_code.html", request, {"error": None})


@routes.get("/login/enrol")
async def enrol_page(request: web.Request) -> web.StreamResponse:
    found, agent = await _pending(request, "enrol")
    assert found.secret is not None
    return render_page(
        "console/two_factor_enrol.html", request, {**_enrol_context(request, agent, found.secret), "error": None}
    )


@routes.post("/login/code")
async def submit_code(request: web.Request) -> web.StreamResponse:
    return await _second_step(request, "code")


@routes.post("/login/enrol")
async def submit_enrolment(request: web.Request) -> web.StreamResponse:
    return await _second_step(request, "enrol")


async def _second_step(request: web.Request, purpose: str) -> web.StreamResponse:
    form = await read_form(request)
    code = text_field(form, "code")[:MAX_CODE]
    found, agent = await _pending(request, purpose)
    template = "console/login_code.html" if purpose == "code" else "console/two_factor_enrol.html"
    context: dict[str, Any] = {} if found.secret is None else _enrol_context(request, agent, found.secret)
    signin, address = request.app[SIGNIN], client_address(request)
    # A code is a guess like a password: counted against the account and the address before it is checked.
    attempt = await signin.throttle.attempt(agent.email, address)
    if not attempt.allowed:
        return too_many(request, found.next_path, attempt.retry_after, template)
    token = request.cookies.get(CHALLENGE_COOKIE, "")
    codes: list[str] | None = None
    async with request.app[keys.DB].write() as uow:
        spent = await spend_try(uow.session, token)
        ok = False
        if spent is not None and spent.purpose == purpose:
            if purpose == "code":
                ok = await second_factor.use(uow.session, agent.id, code)
            elif spent.secret is not None:
                codes = await second_factor.enrol(uow.session, agent.id, spent.secret, code)
                ok = codes is not None
                if ok:
                    audit.record(uow.session, None, "agent.two_factor_enrolled", "agent", agent.id)
        if ok:
            await close(uow.session, token)
    if spent is None:
        raise web.HTTPFound("/login")
    if not ok:
        wrong = language_of(request).gettext("That code is not right (or was used already). Try the next one.")
        return render_page(template, request, {**context, "error": wrong}, status=401)
    await signin.throttle.succeeded(agent.email, address)
    response = await signed_in(request, agent, found.next_path)
    if codes is None:
        raise response
    # Enrolled at sign-in: the recovery codes are shown now, once, with the way on.
    page = render_page("console/recovery_codes.html", request, {"codes": codes, "next": response.location})
    for name, morsel in response.cookies.items():
        page.cookies[name] = morsel
    return page
