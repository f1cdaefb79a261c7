"""Two-factor sign-in: enrol from the console, codes once, recovery codes once, mandatory for supervisors and admins."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import subprocess
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import pyotp

from hub.app import create_app
from hub.db.engine import Database
from hub.settings import Settings
from tests.conftest import PASSWORD, Hub, make_agent
from tests.processes import HUB


async def sign_in(http: aiohttp.ClientSession, url: str, email: str) -> tuple[int, str]:
    form = {"email": email, "password": PASSWORD, "next": "/console/directory"}
    async with http.post(f"{url}/login", data=form, allow_redirects=False) as r:
        return r.status, r.headers.get("Location", "")


async def send_code(
    http: aiohttp.ClientSession, url: str, code: str, path: str = "/login/code"
) -> tuple[int, str, str]:
    async with http.post(f"{url}{path}", data={"code": code}, allow_redirects=False) as r:
        return r.status, r.headers.get("Location", ""), await r.text()


def secret_on(page: str) -> str:
    found = re.search(r'<code class="secret">([A-Z2-7]{32})</code>', page)
    assert found, page
    return found.group(1)


def codes_on(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", page)


def next_code(secret: str) -> str:
    """The code of the coming 30 s step: accepted (clocks drift) and never used before."""
    return pyotp.TOTP(secret).at(time.time() + 30)


async def test_enrol_from_the_console_then_sign_in_with_a_code_or_a_recovery_code_once(hub: Hub, db: Database) -> None:
    await make_agent(db, "lin@example.test")
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        assert await sign_in(http, hub.url, "lin@example.test") == (302, "/console/directory")
        page = await (await http.get(f"{hub.url}/console/two-factor")).text()
        secret = secret_on(page)
        assert "otpauth://totp/hub:lin%40example.test?secret=" + secret in page
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        form = {
            "csrf": csrf.group(1),
            "secret": secret,
            "code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111",
        }
        async with http.post(f"{hub.url}/console/two-factor/enrol", data=form) as r:
            assert r.status == 400  # a wrong code enrols nothing
        form["code"] = pyotp.TOTP(secret).now()
        async with http.post(f"{hub.url}/console/two-factor/enrol", data=form) as r:
            assert r.status == 200
            codes = codes_on(await r.text())
        assert len(codes) == 10 and len(set(codes)) == 10
        await http.post(f"{hub.url}/logout")

        # Password, then a code from the app.
        assert await sign_in(http, hub.url, "lin@example.test") == (302, "/login/code")
        assert (await http.get(f"{hub.url}/console", allow_redirects=False)).status == 302  # not signed in yet
        assert (await send_code(http, hub.url, form["code"]))[0] == 401  # the enrolment's code is spent
        code = next_code(secret)
        status, location, _ = await send_code(http, hub.url, code)
        assert (status, location) == (302, "/console/directory")
        assert (await http.get(f"{hub.url}/console/two-factor")).status == 200
        await http.post(f"{hub.url}/logout")

        # A recovery code signs in once; the same one again does not.
        assert await sign_in(http, hub.url, "lin@example.test") == (302, "/login/code")
        assert (await send_code(http, hub.url, code))[0] == 401  # nor does an app code twice
        status, location, _ = await send_code(http, hub.url, codes[0].upper())
        assert (status, location) == (302, "/console/directory")
        await http.post(f"{hub.url}/logout")
        assert await sign_in(http, hub.url, "lin@example.test") == (302, "/login/code")
        assert (await send_code(http, hub.url, codes[0]))[0] == 401
        assert (await send_code(http, hub.url, codes[1]))[0] == 302
        page = await (await http.get(f"{hub.url}/console/two-factor")).text()
        assert "8 recovery codes left." in page


async def test_second_step_without_a_password_goes_back_to_sign_in(hub: Hub) -> None:
    async with aiohttp.ClientSession() as http:
        assert (await send_code(http, hub.url, "123456"))[:2] == (302, "/login")
        async with http.get(f"{hub.url}/login/enrol", allow_redirects=False) as r:
            assert (r.status, r.headers["Location"]) == (302, "/login")


async def test_mandatory_for_supervisors_and_admins_who_enrol_at_next_sign_in(
    settings: Settings, aiohttp_server: Callable[..., Any], db: Database, tmp_path: Any
) -> None:
    settings = dataclasses.replace(settings, two_factor_required=True)
    app = create_app(settings)
    hub = Hub(await aiohttp_server(app), app, settings)
    await make_agent(db, "boss@example.test", "admin")
    await make_agent(db, "lin@example.test", "agent")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        assert await sign_in(http, hub.url, "lin@example.test") == (302, "/console/directory")  # agents: optional
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        assert await sign_in(http, hub.url, "boss@example.test") == (302, "/login/enrol")
        assert (await http.get(f"{hub.url}/console", allow_redirects=False)).status == 302
        secret = secret_on(await (await http.get(f"{hub.url}/login/enrol")).text())
        status, _, page = await send_code(http, hub.url, pyotp.TOTP(secret).now(), "/login/enrol")
        assert status == 200 and len(codes_on(page)) == 10  # shown once, with the way on
        assert (await http.get(f"{hub.url}/console", allow_redirects=False)).status == 200
        page = await (await http.get(f"{hub.url}/console/two-factor")).text()
        assert "it cannot be turned off" in page
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        assert await sign_in(http, hub.url, "boss@example.test") == (302, "/login/code")
    # Lost phone: an admin resets it from the command line; the next sign-in enrols afresh.
    done = await reset(settings.database_url, "boss@example.test")
    assert done.returncode == 0 and "reset" in done.stdout, done.stderr
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        assert await sign_in(http, hub.url, "boss@example.test") == (302, "/login/enrol")
    missing = await reset(settings.database_url, "nobody@example.test")
    assert missing.returncode == 1 and "no agent" in missing.stderr


async def reset(database_url: str, email: str) -> subprocess.CompletedProcess[str]:
    """`hub agent 2fa reset --email E`, as an admin runs it."""
    command = [*HUB, "agent", "2fa", "reset", "--email", email]
    env = {"HUB_DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"}
    return await asyncio.to_thread(subprocess.run, command, env=env, capture_output=True, text=True, timeout=60)
