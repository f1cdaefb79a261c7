"""The sign-in page, signing out, and choosing the console language."""

from __future__ import annotations

import hmac

from aiohttp import web
from sqlalchemy import update

from hub import keys
from hub.agent_console.i18n import LOCALES, chosen
from hub.agent_console.next_path import safe_next
from hub.agent_console.pages import (
    CATALOGS,
    LANGUAGE,
    LOCALE_COOKIE,
    language_of,
    page_principal,
    render_page,
)
from hub.agents.accounts import end_session
from hub.api.auth import SESSION_COOKIE
from hub.bodies import read_form
from hub.db.models import Agent
from hub.events import CredentialsRevoked

routes = web.RouteTableDef()


@routes.get("/login")
async def login_page(request: web.Request) -> web.StreamResponse:
    lang = chosen(request.query.get("lang"))
    if lang is not None:
        # Before signing in there is no account to keep the choice on: a cookie does.
        request[LANGUAGE] = request.app[CATALOGS].get(lang)
    _ = language_of(request).gettext
    denied = _("Your role cannot use the agent console.") if "denied" in request.query else None
    if "signed_out" in request.query:  # an open console page whose access was ended sends the agent here
        denied = _("You were signed out: your access was ended. Sign in again to continue.")
    context = {"next": safe_next(request.query.get("next"), ""), "error": denied}
    response = render_page("console/login.html", request, context)
    if lang is not None:
        response.set_cookie(LOCALE_COOKIE, lang, max_age=365 * 86400, samesite="Lax", path="/")
    return response


@routes.post("/logout")
async def logout(request: web.Request) -> web.StreamResponse:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        async with request.app[keys.DB].write() as uow:
            # This session's open console sockets close too, in every process.
            uow.emit(CredentialsRevoked(session_hashes=(await end_session(uow.session, token),)))
    response = web.HTTPFound("/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


@routes.post("/console/locale")
async def choose_locale(request: web.Request) -> web.StreamResponse:
    """The user's console language, kept on their account (and in a cookie for the sign-in page)."""
    form = await read_form(request)
    principal = await page_principal(request)
    if not principal.csrf_token or not hmac.compare_digest(str(form.get("csrf", "")), principal.csrf_token):
        raise web.HTTPForbidden(text="This form is out of date; reload the page and try again.")
    locale = chosen(str(form.get("locale", "")))
    if locale is None:
        raise web.HTTPBadRequest(text=f"Choose one of: {', '.join(LOCALES)}")
    async with request.app[keys.DB].write() as uow:
        await uow.session.execute(update(Agent).where(Agent.id == principal.agent_id).values(locale=locale))
    response = web.HTTPFound(safe_next(str(form.get("next", ""))))
    response.set_cookie(LOCALE_COOKIE, locale, max_age=365 * 86400, samesite="Lax", path="/")
    raise response
