"""Sign-in under attack: attempts counted before they are tried, per account and per address, behind proxies."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from ipaddress import ip_network
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from hub.agent_console.next_path import safe_next
from hub.app import create_app
from hub.db.engine import Database
from hub.ops.client_address import resolve
from hub.settings import Settings, SettingsError, load_settings
from hub.signin.tables import SigninCounter
from tests.conftest import PASSWORD, Hub, make_agent

ATTACKER, STAFF, OTHER_STAFF = "203.0.113.9", "198.51.100.7", "198.51.100.8"


async def sign_in(
    http: aiohttp.ClientSession, url: str, email: str, password: str, *, via: str | None = None, nxt: str = ""
) -> tuple[int, str, str]:
    headers = {"X-Forwarded-For": via} if via else {}
    form = {"email": email, "password": password, "next": nxt}
    async with http.post(f"{url}/login", data=form, headers=headers, allow_redirects=False) as r:
        return r.status, r.headers.get("Location", ""), await r.text()


async def proxied_hub(settings: Settings, aiohttp_server: Callable[..., Any], **changes: Any) -> Hub:
    """A hub behind a load balancer on this machine: the loopback peer is the trusted proxy."""
    settings = dataclasses.replace(settings, trusted_proxies=(ip_network("127.0.0.1/32"),), **changes)
    app = create_app(settings)
    return Hub(await aiohttp_server(app), app, settings)


@pytest.mark.parametrize("checks", [2, 40])
async def test_forty_concurrent_wrong_passwords_are_counted_before_they_are_tried(
    settings: Settings, aiohttp_server: Callable[..., Any], db: Database, checks: int
) -> None:
    """With 40 password checks allowed at once only the database's count stops them: exactly 5 are tried."""
    settings = dataclasses.replace(settings, signin_concurrent_checks=checks)
    app = create_app(settings)
    hub = Hub(await aiohttp_server(app), app, settings)
    await make_agent(db, "lin@example.test")
    async with aiohttp.ClientSession() as http:
        results = await asyncio.gather(*(sign_in(http, hub.url, "lin@example.test", "guess") for _ in range(40)))
        statuses = [status for status, _, _ in results]
        assert set(statuses) <= {401, 429}, statuses
        assert statuses.count(401) == 5 if checks == 40 else statuses.count(401) <= 5
        # Whatever the burst left untried is still there to try, and not one attempt more.
        tried = statuses.count(401)
        while (status := (await sign_in(http, hub.url, "lin@example.test", "guess"))[0]) == 401:
            tried += 1
        assert status == 429 and tried == 5
        status, _, page = await sign_in(http, hub.url, "lin@example.test", PASSWORD)
        assert status == 429 and "Too many failed sign-ins" in page
    async with db.read() as s:
        counted = await s.scalar(select(SigninCounter.failures).where(SigninCounter.key.like("account:%")))
    assert counted == 5


async def test_right_password_from_a_clean_address_while_another_is_throttled(
    settings: Settings, aiohttp_server: Callable[..., Any], db: Database
) -> None:
    hub = await proxied_hub(settings, aiohttp_server)
    await make_agent(db, "lin@example.test")
    await make_agent(db, "mei@example.test")
    async with aiohttp.ClientSession() as http:
        for _ in range(5):
            assert (await sign_in(http, hub.url, "lin@example.test", "guess", via=ATTACKER))[0] == 401
        status, _, page = await sign_in(http, hub.url, "lin@example.test", PASSWORD, via=ATTACKER)
        assert status == 429 and "Too many failed sign-ins" in page
        # The attacker's address, spraying other accounts, reaches the per-address limit too.
        sprayed = [(await sign_in(http, hub.url, f"n{i}@example.test", "guess", via=ATTACKER))[0] for i in range(20)]
        assert sprayed[:15] == [401] * 15 and sprayed[-1] == 429
        # Lin, at her own desk, is not locked out by the guessing; nor is anyone else behind the balancer.
        status, location, _ = await sign_in(http, hub.url, "lin@example.test", PASSWORD, via=STAFF)
        assert (status, location) == (302, "/console")
        status, location, _ = await sign_in(http, hub.url, "mei@example.test", PASSWORD, via=OTHER_STAFF)
        assert (status, location) == (302, "/console")


async def test_forwarded_for_from_an_untrusted_peer_is_ignored(hub: Hub, db: Database) -> None:
    """Without trusted proxies a made-up X-Forwarded-For is no new, clean address."""
    await make_agent(db, "lin@example.test")
    async with aiohttp.ClientSession() as http:
        for i in range(5):
            assert (await sign_in(http, hub.url, "lin@example.test", "guess", via=f"192.0.2.{i}"))[0] == 401
        assert (await sign_in(http, hub.url, "lin@example.test", PASSWORD, via="192.0.2.200"))[0] == 429


def test_client_address_is_the_right_most_untrusted_hop() -> None:
    trusted = (ip_network("10.0.0.0/8"), ip_network("127.0.0.1/32"), ip_network("fd00::/8"))
    assert resolve("192.0.2.1", ["6.6.6.6"], trusted) == "192.0.2.1"  # the peer is no proxy of ours
    assert resolve("127.0.0.1", ["1.1.1.1, 10.0.0.5"], trusted) == "1.1.1.1"
    assert resolve("127.0.0.1", ["6.6.6.6, 1.1.1.1, 10.0.0.5"], trusted) == "1.1.1.1"  # the forged hop is left of it
    assert resolve("127.0.0.1", ["6.6.6.6", "1.1.1.1"], trusted) == "1.1.1.1"  # several headers are one list
    assert resolve("127.0.0.1", ["10.0.0.7, 10.0.0.5"], trusted) == "10.0.0.7"  # all ours: the farthest one
    assert resolve("127.0.0.1", ["not-an-address, 10.0.0.5"], trusted) == "10.0.0.5"
    assert resolve("127.0.0.1", ["1.1.1.1:5678"], trusted) == "1.1.1.1"
    assert resolve("127.0.0.1", ["[2001:db8::1]:443"], trusted) == "2001:db8::1"
    assert resolve("::ffff:127.0.0.1", ["1.1.1.1"], trusted) == "1.1.1.1"
    assert resolve("fd00::1", ["2001:db8::2"], trusted) == "2001:db8::2"
    assert resolve("127.0.0.1", [], trusted) == "127.0.0.1"
    assert resolve(None, ["1.1.1.1"], trusted) == "unknown"


def test_trusted_proxies_setting() -> None:
    settings = load_settings(env={"HUB_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.10 ,fd00::/8"})
    assert [str(n) for n in settings.trusted_proxies] == ["10.0.0.0/8", "192.0.2.10/32", "fd00::/8"]
    with pytest.raises(SettingsError, match=r"HUB_TRUSTED_PROXIES.*'proxy\.example'"):
        load_settings(env={"HUB_TRUSTED_PROXIES": "proxy.example"})
    with pytest.raises(SettingsError, match="HUB_TWO_FACTOR_REQUIRED"):
        load_settings(env={"HUB_TWO_FACTOR_REQUIRED": "sometimes"})


async def test_password_checks_beyond_the_cap_are_refused_at_once(
    settings: Settings, aiohttp_server: Callable[..., Any], db: Database
) -> None:
    hub = await proxied_hub(settings, aiohttp_server, signin_concurrent_checks=1)
    await make_agent(db, "lin@example.test")
    async with aiohttp.ClientSession() as http:
        # Fifteen addresses that already failed once each: none of them may queue for a check.
        for i in range(15):
            assert (await sign_in(http, hub.url, f"n{i}@example.test", "guess", via=f"192.0.2.{i}"))[0] == 401
        results = await asyncio.gather(
            *(sign_in(http, hub.url, f"m{i}@example.test", "guess", via=f"192.0.2.{i}") for i in range(15))
        )
        busy = [page for status, _, page in results if status == 429]
        assert busy and all("Many sign-ins are being checked" in page for page in busy)
        assert {status for status, _, _ in results} <= {401, 429}
        # A refusal for lack of a free check is not counted as a failure of that address.
        async with db.read() as s:
            counts = (await s.scalars(select(SigninCounter.failures).where(SigninCounter.key.like("address:%")))).all()
        assert sum(counts) == 15 + sum(1 for status, _, _ in results if status == 401)


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example", "/%2F/evil.example",
        "/%2f%2fevil.example", "/%5Cevil.example", "/%252F%252Fevil.example", "https://evil.example",
        "javascript:alert(1)", "http:/evil.example", " /console", "/console\r\nSet-Cookie: x=1", "/\n/evil.example",
        "/\u3000/evil.example", "/ /evil.example", "evil.example", "/\x00//evil", "/\u2028/evil.example",
    ],
)  # fmt: skip
def test_next_never_leaves_the_site(target: str) -> None:
    assert safe_next(target, "/console") == "/console"


def test_next_keeps_local_paths() -> None:
    assert safe_next("/console/tickets/7?tab=mail#m3", "") == "/console/tickets/7?tab=mail#m3"
    assert safe_next("/console/knowledge?q=%E9%80%80%E6%AC%BE", "") == "/console/knowledge?q=%E9%80%80%E6%AC%BE"


async def test_next_on_sign_in_redirects_inside_the_site(hub: Hub, db: Database) -> None:
    await make_agent(db, "lin@example.test")
    async with aiohttp.ClientSession() as http:
        for evil in ("/\t/evil.example", "/%2F/evil.example", "/\\evil.example"):
            status, location, _ = await sign_in(http, hub.url, "lin@example.test", PASSWORD, nxt=evil)
            assert (status, location) == (302, "/console")
        status, location, _ = await sign_in(http, hub.url, "lin@example.test", PASSWORD, nxt="/console/directory")
        assert (status, location) == (302, "/console/directory")
        async with http.get(f"{hub.url}/login", params={"next": "/\t/evil.example"}) as r:
            assert r.status == 200 and "evil.example" not in await r.text()


async def test_bad_sign_in_input_gets_a_4xx(hub: Hub, db: Database) -> None:
    await make_agent(db, "lin@example.test")
    async with aiohttp.ClientSession() as http:
        broken = b'--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nlin'  # no closing boundary
        async with http.post(
            f"{hub.url}/login", data=broken, headers={"Content-Type": "multipart/form-data; boundary=x"}
        ) as r:
            assert r.status == 400
        async with http.post(
            f"{hub.url}/login",
            data=b"email=%FF%FE&password=x",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ) as r:
            assert 400 <= r.status < 500
        assert (await sign_in(http, hub.url, "x" * 5000 + "@example.test", PASSWORD))[0] == 400
        assert (await sign_in(http, hub.url, "lin@example.test", "p" * 100_000))[0] == 400
        assert (await sign_in(http, hub.url, "", ""))[0] == 400
        form = aiohttp.FormData()
        form.add_field("email", "lin@example.test")
        form.add_field("password", b"correct horse battery", filename="password.txt")
        async with http.post(f"{hub.url}/login", data=form, allow_redirects=False) as r:
            assert r.status == 400
