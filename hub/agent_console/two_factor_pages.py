"""The console's two-factor page: enrol an authenticator app (otpauth URI and secret), see codes left, disable."""

from __future__ import annotations

import hmac
import re
from typing import Any

from aiohttp import web

from hub import keys
from hub.agent_console.pages import language_of, page_principal, render_page
from hub.agent_console.signin import TWO_FACTOR_ROLES, read_form, text_field
from hub.agents import audit
from hub.agents.accounts import Principal
from hub.db.models import Agent
from hub.signin import second_factor

routes = web.RouteTableDef()
PAGE = "/console/two-factor"
_SECRET = re.compile(r"[A-Z2-7]{32}")


def _check_csrf(request: web.Request, principal: Principal, sent: str) -> None:
    sent = sent or request.headers.get("X-CSRF-Token", "")
    if not principal.csrf_token or not hmac.compare_digest(sent, principal.csrf_token):
        raise web.HTTPForbidden(text="This form is out of date; reload the page and try again.")


async def _context(request: web.Request, principal: Principal, secret: str | None = None) -> dict[str, Any]:
    assert principal.agent_id is not None
    async with request.app[keys.DB].read() as s:
        agent = await s.get_one(Agent, principal.agent_id)
        enrolled = await second_factor.enrolled(s, agent.id)
        left = await second_factor.recovery_codes_left(s, agent.id) if enrolled else 0
    secret = secret or second_factor.new_secret()
    required = request.app[keys.SETTINGS].two_factor_required and agent.role in TWO_FACTOR_ROLES
    return {
        "me": principal,
        "live": False,
        "enrolled": enrolled,
        "codes_left": left,
        "required": required,
        "secret": secret,
        "uri": second_factor.provisioning_uri(secret, agent.email),
        "action": PAGE + "/enrol",
        "csrf": principal.csrf_token,
        "error": None,
    }


@routes.get(PAGE)
async def two_factor_page(request: web.Request) -> web.StreamResponse:
    principal = await page_principal(request)
    return render_page("console/two_factor.html", request, await _context(request, principal))


@routes.post(PAGE + "/enrol")
async def enrol(request: web.Request) -> web.StreamResponse:
    form = await read_form(request)
    principal = await page_principal(request)
    _check_csrf(request, principal, text_field(form, "csrf"))
    assert principal.agent_id is not None
    secret, code = text_field(form, "secret").strip().upper(), text_field(form, "code")[:64]
    _ = language_of(request).gettext
    if not _SECRET.fullmatch(secret):
        context = {**await _context(request, principal), "error": _("Start again from this page.")}
        return render_page("console/two_factor.html", request, context, status=400)
    async with request.app[keys.DB].write() as uow:
        codes = await second_factor.enrol(uow.session, principal.agent_id, secret, code)
        if codes is not None:
            audit.record(uow.session, None, "agent.two_factor_enrolled", "agent", principal.agent_id)
    if codes is None:
        context = {
            **await _context(request, principal, secret),
            "error": _("That code is not right. Try the next one."),
        }
        return render_page("console/two_factor.html", request, context, status=400)
    return render_page("console/recovery_codes.html", request, {"codes": codes, "next": PAGE})


@routes.post(PAGE + "/disable")
async def disable(request: web.Request) -> web.StreamResponse:
    form = await read_form(request)
    principal = await page_principal(request)
    _check_csrf(request, principal, text_field(form, "csrf"))
    assert principal.agent_id is not None
    _ = language_of(request).gettext
    context = await _context(request, principal)
    if context["required"]:
        context["error"] = _("Your role must sign in with a second factor; it cannot be turned off.")
        return render_page("console/two_factor.html", request, context, status=400)
    async with request.app[keys.DB].write() as uow:
        # Proof that the person at the keyboard holds the factor, not only a session left open.
        ok = await second_factor.use(uow.session, principal.agent_id, text_field(form, "code")[:64])
        if ok:
            await second_factor.remove(uow.session, principal.agent_id)
            audit.record(uow.session, None, "agent.two_factor_disabled", "agent", principal.agent_id)
    if not ok:
        context["error"] = _("That code is not right (or was used already). Try the next one.")
        return render_page("console/two_factor.html", request, context, status=400)
    raise web.HTTPFound(PAGE)
