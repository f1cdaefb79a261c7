"""What every console page shares: who is signed in (and may see it), their language, and the page chrome."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from hub import keys
from hub.agent_console.i18n import Catalogs, Language, chosen, negotiate
from hub.agent_console.js_strings import JS_STRINGS, N_
from hub.agents.accounts import Principal
from hub.api.auth import SESSION_COOKIE, principal_from_credentials

CATALOGS = web.AppKey("catalogs", Catalogs)
LANGUAGE = web.RequestKey("language", Language)
PAGE_PRINCIPAL = web.RequestKey("page_principal", Principal)
LOCALE_COOKIE = "hub_locale"
PageHandler = Callable[[web.Request], Awaitable[dict[str, Any]]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

AGENT_PAGES = ("agent", "supervisor")
SUPERVISOR_PAGES = ("supervisor",)
KNOWLEDGE_PAGES = ("agent", "supervisor", "knowledge_manager")  # agents draft; knowledge managers publish
# Where each role lands after signing in, and what the navigation offers it.
NAV = (
    ("/console", N_("Inbox"), AGENT_PAGES),
    ("/console/customers", N_("Customers"), AGENT_PAGES),
    ("/console/directory", N_("Directory"), AGENT_PAGES),
    ("/console/wallboard", N_("Wallboard"), SUPERVISOR_PAGES),
    ("/console/reports", N_("Reports"), SUPERVISOR_PAGES),
    ("/console/knowledge", N_("Knowledge"), KNOWLEDGE_PAGES),
    ("/console/admin", N_("Admin"), ("admin",)),
)
# Pages a particular hub adds to that navigation, as (path, label, roles): the demo's sent mail.
EXTRA_NAV: web.AppKey[tuple[tuple[str, str, tuple[str, ...]], ...]] = web.AppKey("extra_nav")


def home_for(principal: Principal) -> str:
    for path, _label, roles in NAV:
        if principal.has_role(*roles):
            return path
    return "/login?denied=1"


async def page_principal(request: web.Request, *roles: str) -> Principal:
    """The signed-in user of a page, or a redirect: to sign in, or to their own start page if the role may not."""
    token = request.cookies.get(SESSION_COOKIE)
    principal = await principal_from_credentials(request.app[keys.DB], None, token) if token else None
    if principal is None:
        raise web.HTTPFound(f"/login?next={request.path_qs}")
    if roles and not principal.has_role(*roles):
        home = home_for(principal)
        raise web.HTTPFound(home if home != request.path else "/login?denied=1")
    request[PAGE_PRINCIPAL] = principal
    request[LANGUAGE] = request.app[CATALOGS].get(principal.locale or _browser_choice(request))
    return principal


def _browser_choice(request: web.Request) -> str:
    return chosen(request.cookies.get(LOCALE_COOKIE)) or negotiate(request.headers.get("Accept-Language"))


def language_of(request: web.Request) -> Language:
    if LANGUAGE not in request:
        request[LANGUAGE] = request.app[CATALOGS].get(_browser_choice(request))
    return request[LANGUAGE]


def page_context(request: web.Request) -> dict[str, Any]:
    """Jinja context for every page: _() in the user's language, formats, navigation, strings for scripts."""
    lang = language_of(request)
    me = request.get(PAGE_PRINCIPAL)
    pages = (*NAV, *request.app.get(EXTRA_NAV, ()))
    nav = [(path, lang.gettext(label)) for path, label, roles in pages if me is not None and me.has_role(*roles)]
    js = {msg: lang.gettext(msg) for msg in JS_STRINGS}
    return {
        "_": lang.gettext,
        "ngettext": lang.ngettext,
        "lang": lang,
        "html_lang": lang.tag,
        "nav": nav,
        "locales": [(tag, request.app[CATALOGS].get(tag).display_name()) for tag in request.app[CATALOGS].available()],
        "js_strings": {"lang": lang.tag, "strings": js},
        "request": request,
    }


def render_page(template: str, request: web.Request, context: dict[str, Any], status: int = 200) -> web.Response:
    return aiohttp_jinja2.render_template(template, request, {**page_context(request), **context}, status=status)


def page(template: str) -> Callable[[PageHandler], Handler]:
    """Like aiohttp_jinja2.template, with the user's language and the navigation in the context."""

    def wrap(handler: PageHandler) -> Handler:
        @wraps(handler)
        async def render(request: web.Request) -> web.StreamResponse:
            return render_page(template, request, await handler(request))

        return render

    return wrap
