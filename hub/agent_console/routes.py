"""Signing in and out, and choosing the console language."""

from __future__ import annotations

import hmac
from datetime import timedelta

from aiohttp import web
from sqlalchemy import delete, update

from hub import audit, keys
from hub.accounts import Principal, authenticate, create_session, end_session
from hub.agent_console.auth import SESSION_COOKIE
from hub.agent_console.pages import (
    CATALOGS,
    LANGUAGE,
    LOCALE_COOKIE,
    home_for,
    language_of,
    page_principal,
    render_page,
)
from hub.agent_console.throttle import LoginThrottle
from hub.db.models import Agent, ConsoleSession
from hub.db.types import utcnow
from hub.i18n import LOCALES, chosen

routes = web.RouteTableDef()
THROTTLE = web.AppKey("login_throttle", LoginThrottle)


def _safe_next(target: str | None, default: str = "/console") -> str:
    # Only same-site paths: "//evil.example" or "http://..." would make this an open redirect.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


@routes.get("/login")
async def login_page(request: web.Request) -> web.StreamResponse:
    lang = chosen(request.query.get("lang"))
    if lang is not None:
        # Before signing in there is no account to keep the choice on: a cookie does.
        request[LANGUAGE] = request.app[CATALOGS].get(lang)
    _ = language_of(request).gettext
    denied = _("Your role cannot use the agent console.") if "denied" in request.query else None
    context = {"next": _safe_next(request.query.get("next"), ""), "error": denied}
    response = render_page("console/login.html", request, context)
    if lang is not None:
        response.set_cookie(LOCALE_COOKIE, lang, max_age=365 * 86400, samesite="Lax", path="/")
    return response


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
            "error": language_of(request).gettext("Too many failed sign-ins. Try again in %(minutes)s minute(s).")
            % {"minutes": max(1, wait // 60)},
        }
        response = render_page("console/login.html", request, context, status=429)
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
        wrong = language_of(request).gettext("Wrong email or password.")
        context = {"next": _safe_next(str(form.get("next", ""))), "error": wrong}
        return render_page("console/login.html", request, context, status=401)
    throttle.succeeded(email)
    principal = Principal(kind="agent", id=agent.id, role=agent.role, name=agent.display_name)
    response = web.HTTPFound(_safe_next(str(form.get("next", "")), home_for(principal)))
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


@routes.post("/console/locale")
async def choose_locale(request: web.Request) -> web.StreamResponse:
    """The user's console language, kept on their account (and in a cookie for the sign-in page)."""
    form = await request.post()
    principal = await page_principal(request)
    if not principal.csrf_token or not hmac.compare_digest(str(form.get("csrf", "")), principal.csrf_token):
        raise web.HTTPForbidden(text="This form is out of date; reload the page and try again.")
    locale = chosen(str(form.get("locale", "")))
    if locale is None:
        raise web.HTTPBadRequest(text=f"Choose one of: {', '.join(LOCALES)}")
    async with request.app[keys.DB].write() as uow:
        await uow.session.execute(update(Agent).where(Agent.id == principal.agent_id).values(locale=locale))
    response = web.HTTPFound(_safe_next(str(form.get("next", ""))))
    response.set_cookie(LOCALE_COOKIE, locale, max_age=365 * 86400, samesite="Lax", path="/")
    raise response
