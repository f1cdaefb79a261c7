"""Signing in with a password: counted before it is tried, checked off the event loop, then a session or step two."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy
from sqlalchemy import delete, update

from hub import keys
from hub.agent_console.next_path import safe_next
from hub.agent_console.pages import home_for, language_of, render_page
from hub.agent_console.throttle import LoginThrottle
from hub.agents import audit
from hub.agents.accounts import Principal, active_agent, create_session, needs_rehash
from hub.api.auth import SESSION_COOKIE
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Agent, ConsoleSession
from hub.ops.client_address import client_address
from hub.settings import Settings
from hub.signin import second_factor
from hub.signin.challenges import CHALLENGE_COOKIE, TTL, open_challenge
from hub.signin.passwords import MAX_PASSWORD, PasswordChecks

routes = web.RouteTableDef()
MAX_EMAIL = 320
# A refusal is answered after this pause (the slot is given back first): a client that waits for each answer,
# as scripts do, then costs the loop a few requests a second instead of hundreds. A person barely notices.
REFUSAL_PAUSE_S = 1.0
TWO_FACTOR_ROLES = ("supervisor", "admin")


class Signin:
    """What sign-in needs beyond the database: the attempt counters and the password-check pool."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.throttle = LoginThrottle(db)
        self.checks = PasswordChecks(settings.signin_concurrent_checks)


SIGNIN = web.AppKey("signin", Signin)


def setup_signin(app: web.Application, db: Database, settings: Settings) -> None:
    from hub.agent_console import signin_steps, two_factor_pages

    app[SIGNIN] = Signin(db, settings)
    app[keys.PASSWORD_CHECKS] = app[SIGNIN].checks  # the API's password changes share the pool
    app.router.add_routes(routes)
    app.router.add_routes(signin_steps.routes)
    app.router.add_routes(two_factor_pages.routes)
    app.cleanup_ctx.append(_close_pool)


async def _close_pool(app: web.Application) -> AsyncIterator[None]:
    yield
    app[SIGNIN].checks.close()


async def read_form(request: web.Request) -> MultiDictProxy[Any]:
    try:
        return await request.post()
    except ValueError:  # a broken multipart or urlencoded body (undecodable bytes included)
        raise web.HTTPBadRequest(
            text="The form could not be read; send it as application/x-www-form-urlencoded."
        ) from None


def text_field(form: MultiDictProxy[Any], name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""  # a file where text belongs is no answer


def login_page(request: web.Request, nxt: str, error: str, status: int, retry_after: int | None = None) -> web.Response:
    response = render_page("console/login.html", request, {"next": nxt, "error": error}, status=status)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def too_many(request: web.Request, nxt: str, wait: int, template: str = "console/login.html") -> web.Response:
    _ = language_of(request).gettext
    error = _("Too many failed sign-ins. Try again in %(minutes)s minute(s).") % {"minutes": max(1, -(-wait // 60))}
    response = render_page(template, request, {"next": nxt, "error": error}, status=429)
    response.headers["Retry-After"] = str(wait)
    return response


@routes.post("/login")
async def login(request: web.Request) -> web.StreamResponse:
    form = await read_form(request)
    email, password = text_field(form, "email").strip(), text_field(form, "password")
    nxt = safe_next(text_field(form, "next"), "")
    _ = language_of(request).gettext
    if not email or not password:
        return login_page(request, nxt, _("Enter your email and password."), 400)
    if len(email) > MAX_EMAIL or len(password) > MAX_PASSWORD:
        return login_page(request, nxt, _("Wrong email or password."), 400)
    signin, address = request.app[SIGNIN], client_address(request)
    # A slot first, so only attempts about to be checked write to the database: a flood refused for want of a
    # slot costs one read each and never queues for SQLite's writer ahead of chats and mails.
    failing = signin.checks.full() or await signin.throttle.address_failing(address)
    right, rehashed, attempt, agent = False, None, None, None
    async with signin.checks.slot(may_wait=not failing) as got_slot:
        if got_slot:
            attempt = await signin.throttle.attempt(email, address)
        if attempt is not None and attempt.allowed:
            # Outside any transaction: the database's writers never wait for a password check.
            async with request.app[keys.DB].read() as s:
                agent = await active_agent(s, email)
            right = await signin.checks.matches(agent.password_hash if agent else None, password)
            if right and agent and needs_rehash(agent.password_hash):
                rehashed = await signin.checks.hash(password)
    if attempt is None or not attempt.allowed:
        await asyncio.sleep(REFUSAL_PAUSE_S)  # with the slot given back
        if attempt is None:
            busy = _("Many sign-ins are being checked right now. Try again in a moment.")
            return login_page(request, nxt, busy, 429, retry_after=1)
        return too_many(request, nxt, attempt.retry_after)
    if not right or agent is None:
        return login_page(request, nxt, _("Wrong email or password."), 401)
    if rehashed is not None:
        async with request.app[keys.DB].write() as uow:
            await uow.session.execute(update(Agent).where(Agent.id == agent.id).values(password_hash=rehashed))
    async with request.app[keys.DB].read() as s:
        has_factor = await second_factor.enrolled(s, agent.id)
    must_enrol = request.app[keys.SETTINGS].two_factor_required and agent.role in TWO_FACTOR_ROLES
    if has_factor or must_enrol:
        # The password alone is not the whole sign-in: its count is taken back, the code's is counted next.
        await signin.throttle.not_tried(email, address)
        async with request.app[keys.DB].write() as uow:
            if has_factor:
                token = await open_challenge(uow.session, agent.id, "code", nxt)
            else:
                token = await open_challenge(uow.session, agent.id, "enrol", nxt, second_factor.new_secret())
        response = web.HTTPFound("/login/code" if has_factor else "/login/enrol")
        response.set_cookie(
            CHALLENGE_COOKIE, token, max_age=int(TTL.total_seconds()), httponly=True, samesite="Lax",
            secure=secure_cookies(request), path="/login",
        )  # fmt: skip
        raise response
    await signin.throttle.succeeded(email, address)
    raise await signed_in(request, agent, nxt)


def secure_cookies(request: web.Request) -> bool:
    # Behind a TLS-terminating proxy the request itself looks like plain HTTP; the public URL knows better.
    return request.secure or (request.app[keys.SETTINGS].public_url or "").startswith("https://")


async def signed_in(request: web.Request, agent: Agent, nxt: str) -> web.HTTPFound:
    """A new console session for `agent` and the way to `nxt` (or their start page)."""
    max_age = timedelta(hours=request.app[keys.SETTINGS].session_max_age_hours)
    async with request.app[keys.DB].write() as uow:
        token, _ = await create_session(uow.session, agent, max_age)
        # Expired sessions are useless; sign-ins are rare enough to sweep them here.
        await uow.session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at < utcnow()))
        audit.record(uow.session, None, "agent.login", "agent", agent.id)
    principal = Principal(kind="agent", id=agent.id, role=agent.role, name=agent.display_name)
    response = web.HTTPFound(nxt or home_for(principal))
    response.set_cookie(
        SESSION_COOKIE, token, max_age=int(max_age.total_seconds()), httponly=True, samesite="Lax",
        secure=secure_cookies(request), path="/",
    )  # fmt: skip
    response.del_cookie(CHALLENGE_COOKIE, path="/login")
    return response
