"""Console pages over HTTP: login, redirects, roles, cookies, security headers, widget script."""

from __future__ import annotations

import dataclasses
import json

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from hub.app import create_app
from hub.db.engine import Database
from hub.settings import Settings
from tests.conftest import PASSWORD, Hub, make_agent


async def login(http: aiohttp.ClientSession, hub: Hub, email: str, password: str, nxt: str) -> aiohttp.ClientResponse:
    return await http.post(
        f"{hub.url}/login", data={"email": email, "password": password, "next": nxt}, allow_redirects=False
    )


async def test_login_logout_and_console(hub: Hub, db: Database) -> None:
    await make_agent(db, "lin@example.test")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        r = await http.get(f"{hub.url}/console", allow_redirects=False)
        assert r.status == 302 and r.headers["Location"] == "/login?next=/console"
        bad = await login(http, hub, "lin@example.test", "wrong password", "/console")
        assert bad.status == 401 and "Wrong email or password." in await bad.text()
        unknown = await login(http, hub, "nobody@example.test", PASSWORD, "/console")
        assert unknown.status == 401
        ok = await login(http, hub, "LIN@example.test", PASSWORD, "/console")
        assert ok.status == 302 and ok.headers["Location"] == "/console"
        cookie = ok.cookies["hub_session"]
        assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
        page = await http.get(f"{hub.url}/console")
        assert page.status == 200
        csp = page.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        missing = await http.get(f"{hub.url}/console/tickets/999999")
        assert missing.status == 404
        out = await http.post(f"{hub.url}/logout", allow_redirects=False)
        assert out.status == 302
        again = await http.get(f"{hub.url}/console", allow_redirects=False)
        assert again.status == 302


async def test_next_never_redirects_off_site(hub: Hub, db: Database) -> None:
    await make_agent(db, "lin@example.test")
    for target in ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            r = await login(http, hub, "lin@example.test", PASSWORD, target)
            assert r.headers["Location"] == "/console", target


async def test_each_role_lands_on_its_own_pages(hub: Hub, db: Database) -> None:
    await make_agent(db, "km@example.test", role="knowledge_manager")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        await login(http, hub, "km@example.test", PASSWORD, "/console")
        # A knowledge manager has no inbox: the agents' pages send them to the knowledge pages.
        r = await http.get(f"{hub.url}/console", allow_redirects=False)
        assert r.headers["Location"] == "/console/knowledge"
        page = await http.get(f"{hub.url}/login?denied=1")
        assert "Your role cannot use the agent console." in await page.text()


async def test_cookie_is_secure_behind_an_https_proxy(settings: Settings, db: Database, aiohttp_server: object) -> None:
    await make_agent(db, "lin@example.test")
    app: web.Application = create_app(dataclasses.replace(settings, public_url="https://support.example.com"))
    server: TestServer = await aiohttp_server(app)  # type: ignore[operator]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        r = await http.post(
            str(server.make_url("/login")),
            allow_redirects=False,
            data={"email": "lin@example.test", "password": PASSWORD, "next": "/console"},
        )
        assert r.cookies["hub_session"]["secure"]


async def test_chat_page_may_be_framed_and_widget_escapes_host(hub: Hub) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        chat = await http.get(f"{hub.url}/chat")
        assert chat.status == 200 and "frame-ancestors *" in chat.headers["Content-Security-Policy"]
        widget = await http.get(f"{hub.url}/chat/widget.js", headers={"Host": 'x";alert(1);//</script>'})
        body = await widget.text()
        assert widget.headers["Content-Type"].startswith("application/javascript")
        # The Host header is attacker-controlled; it must stay inside one JS string literal.
        [line] = [ln for ln in body.splitlines() if "var base =" in ln]
        literal = line.split("=", 1)[1].strip().removesuffix(";")
        assert json.loads(literal) == 'http://x";alert(1);//</script>'
        assert "</script>" not in line


async def test_repeated_wrong_passwords_are_throttled_per_email(hub: Hub, db: Database) -> None:
    from datetime import timedelta

    from sqlalchemy import func, select

    from hub.agents.accounts import create_session
    from hub.db.models import Agent, ConsoleSession

    await make_agent(db, "lin@example.test")
    other = await make_agent(db, "mei@example.test")
    async with db.write() as uow:  # a session that expired long ago
        await create_session(uow.session, await uow.session.get_one(Agent, other.id), timedelta(hours=-1))
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        for _ in range(5):
            assert (await login(http, hub, "lin@example.test", "guess", "/console")).status == 401
        blocked = await login(http, hub, "LIN@example.test", PASSWORD, "/console")  # even the right one waits
        assert blocked.status == 429 and int(blocked.headers["Retry-After"]) > 0
        assert "Too many failed sign-ins" in await blocked.text()
        ok = await login(http, hub, "mei@example.test", PASSWORD, "/console")  # other agents are unaffected
        assert ok.status == 302
    async with db.read() as s:
        expired = await s.scalar(
            select(func.count()).select_from(ConsoleSession).where(ConsoleSession.expires_at < func.now())
        )
    assert expired == 0
