"""New chats per client address and widget origin: over the limit the visitor is asked to wait, nothing is stored."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import func, select

from hub.app import create_app
from hub.channels.webchat.config import WebchatConfig, webchat_config
from hub.db.engine import Database
from hub.db.models import Customer, Interaction, Ticket
from hub.settings import Settings, SettingsError, load_settings
from tests.browser_kit import BROWSER, watch_errors
from tests.conftest import Hub
from tests.sockets import Probe

TOO_MANY = "too_many_conversations"


async def guest(url: str, forwarded_for: str | None = None, origin: str | None = None, **auth: Any) -> Probe:
    """A visitor socket, as a browser behind `forwarded_for` (written by a proxy) on `origin` would open it."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    if origin:
        headers["Origin"] = origin
    probe = Probe("/visitor")
    await probe.connect(url, auth=auth, headers=headers)
    return probe


async def start_chat(probe: Probe, text: str = "hello, is anyone there?") -> dict[str, Any]:
    await probe.next("session")
    ack: dict[str, Any] = await probe.call("message", {"text": text})
    return ack


async def stored(db: Database) -> tuple[int, int, int]:
    """Customers, tickets and messages: what a refused chat must not have added to."""
    async with db.read() as s:
        counts = [await s.scalar(select(func.count()).select_from(t)) for t in (Customer, Ticket, Interaction)]
    return counts[0] or 0, counts[1] or 0, counts[2] or 0


async def serve(settings: Settings, aiohttp_server: Callable[..., Any], **changes: Any) -> Hub:
    config = dataclasses.replace(webchat_config(settings), **{k: v for k, v in changes.items() if k != "proxies"})
    custom = dataclasses.replace(settings, trusted_proxies=changes.get("proxies", ())).with_channel("webchat", config)
    app = create_app(custom)
    return Hub(await aiohttp_server(app), app, custom)


async def test_the_eleventh_new_chat_from_one_address_is_refused_and_nothing_of_it_is_stored(
    hub: Hub, db: Database
) -> None:
    assert webchat_config(hub.settings).new_conversations_per_address == 10  # the default
    first = await guest(hub.url)
    token = (await first.next("session"))["visitor_token"]
    assert (await first.call("message", {"text": "the first chat"}))["ok"]
    others = [await guest(hub.url) for _ in range(9)]
    assert all([(await start_chat(g))["ok"] for g in others])
    before = await stored(db)
    assert before == (10, 10, 10)

    late = await guest(hub.url)
    ack = await start_chat(late, "the eleventh chat")
    assert ack["ok"] is False and ack["error"]["code"] == TOO_MANY
    assert "too many new chats from your network" in ack["error"]["message"]
    assert 0 < ack["error"]["retry_after_s"] <= 600
    assert (await late.next("error"))["code"] == TOO_MANY
    assert (await late.call("message", {"text": "and again"}))["error"]["code"] == TOO_MANY
    assert await stored(db) == before  # no customer, ticket or message for it

    # Chats already started go on, and a returning visitor resumes theirs: neither is a new conversation.
    assert (await first.call("message", {"text": "more in the first chat"}))["ok"]
    again = await guest(hub.url, visitor_token=token)
    assert (await again.next("session"))["resumed"] is True
    ack = await again.call("message", {"text": "back after a reload"})
    assert ack["ok"] and ack["ticket_id"] == (await first.call("message", {"text": "same chat"}))["ticket_id"]
    assert (await stored(db))[1] == 10
    for probe in (first, again, late, *others):
        await probe.close()


async def test_resumed_chats_are_not_counted(settings: Settings, aiohttp_server: Any, db: Database) -> None:
    hub = await serve(settings, aiohttp_server, new_conversations_per_address=2)
    first = await guest(hub.url)
    token = (await first.next("session"))["visitor_token"]
    ticket_id = (await first.call("message", {"text": "my order is late"}))["ticket_id"]
    await first.close()
    for n in range(4):  # reloads, a second tab, a phone that lost its connection: the same visitor each time
        back = await guest(hub.url, visitor_token=token)
        assert (await back.next("session"))["resumed"] is True
        assert (await back.call("message", {"text": f"still waiting {n}"}))["ticket_id"] == ticket_id
        await back.close()
    second = await guest(hub.url)
    assert (await start_chat(second))["ok"]  # the second new chat of this address: still within 2
    third = await guest(hub.url)
    assert (await start_chat(third))["error"]["code"] == TOO_MANY
    # A forged or expired token is no conversation of its own: that visitor starts a new one, and is counted.
    forged = await guest(hub.url, visitor_token="v1.not-a-token-we-gave-out")
    assert (await forged.next("session"))["resumed"] is False
    assert (await forged.call("message", {"text": "hi"}))["error"]["code"] == TOO_MANY
    assert (await stored(db))[1] == 2
    for probe in (second, third, forged):
        await probe.close()


async def test_another_address_still_gets_through_and_forwarded_for_counts_only_from_trusted_proxies(
    settings: Settings, aiohttp_server: Any, db: Database
) -> None:
    # Nobody trusted: X-Forwarded-For is anyone's to write, so every socket here is the test client's address.
    plain = await serve(settings, aiohttp_server, new_conversations_per_address=2)
    spoofed = [await guest(plain.url, forwarded_for=f"198.51.100.{n}") for n in range(3)]
    acks = [await start_chat(g) for g in spoofed]
    assert [a["ok"] for a in acks] == [True, True, False] and acks[2]["error"]["code"] == TOO_MANY
    for probe in spoofed:
        await probe.close()

    # Behind our own proxy (the test client's address is trusted): the address it saw the client come from.
    behind = await serve(settings, aiohttp_server, new_conversations_per_address=2, proxies=(ip_network("127.0.0.1"),))
    flood = [await guest(behind.url, forwarded_for="203.0.113.9") for _ in range(3)]
    assert [(await start_chat(g))["ok"] for g in flood] == [True, True, False]
    # A client that writes its own X-Forwarded-For in front of the proxy's is still the address the proxy saw.
    forged = await guest(behind.url, forwarded_for="192.0.2.1, 203.0.113.9")
    assert (await start_chat(forged))["error"]["code"] == TOO_MANY
    neighbour = await guest(behind.url, forwarded_for="203.0.113.10")
    assert (await start_chat(neighbour))["ok"]  # another address still gets through
    assert (await stored(db))[1] == 2 + 3
    for probe in (*flood, forged, neighbour):
        await probe.close()


async def test_per_widget_origin_limit(settings: Settings, aiohttp_server: Any, db: Database) -> None:
    shop_and_blog = {"widgets": {"shop": {}, "blog": {}}, "new_conversations_per_origin": 2}
    parsed = webchat_config(settings.with_channel("webchat", shop_and_blog))
    assert parsed.widgets == {"shop", "blog"} and parsed.new_conversations_per_origin == 2
    hub = await serve(
        settings,
        aiohttp_server,
        widgets=parsed.widgets,
        new_conversations_per_origin=2,
        proxies=(ip_network("127.0.0.1"),),
    )
    n = iter(range(1, 250))

    async def chat(widget: str | None) -> dict[str, Any]:
        # Each from another address, so only the origin's count can refuse them.
        auth = {"widget": widget} if widget else {}
        return await start_chat(await guest(hub.url, forwarded_for=f"203.0.113.{next(n)}", origin=hub.url, **auth))

    shop = [await chat("shop") for _ in range(3)]
    assert [a["ok"] for a in shop] == [True, True, False]
    assert "too many new chats on this website" in shop[2]["error"]["message"]
    assert (await chat("blog"))["ok"]  # another website's widget has a count of its own
    # Widget names nobody configured share the page's own count: a script cannot mint itself fresh ones.
    plain = [await chat(name) for name in (None, "made-up-1", "made-up-2")]
    assert [a["ok"] for a in plain] == [True, True, False]
    assert (await stored(db))[1] == 5


def test_settings_name_the_key_they_refuse(tmp_path: Path) -> None:
    toml = tmp_path / "hub.toml"

    def load(table: str, **env: str) -> WebchatConfig:
        toml.write_text(f"[webchat]\n{table}\n", encoding="utf-8")
        return webchat_config(load_settings(env={"HUB_CONFIG": str(toml), **env}))

    config = load("new_conversations_per_address = 3\nnew_conversations_per_origin = 0")
    assert (config.new_conversations_per_address, config.new_conversations_per_origin) == (3, 0)  # 0: no limit
    config = load("new_conversations_per_address = 3", HUB_WEBCHAT_NEW_CONVERSATIONS_PER_ADDRESS="25")
    assert config.new_conversations_per_address == 25  # the environment wins over the file
    assert load("", HUB_WEBCHAT_NEW_CONVERSATIONS_WINDOW_MINUTES=" 30 ").new_conversations_window_minutes == 30
    refused = [
        ("new_conversations_per_address = -1", {}, f"{toml}:webchat.new_conversations_per_address"),
        ('new_conversations_per_origin = "lots"', {}, f"{toml}:webchat.new_conversations_per_origin"),
        ("new_conversations_per_address = true", {}, f"{toml}:webchat.new_conversations_per_address"),
        ("new_conversations_window_minutes = 0", {}, f"{toml}:webchat.new_conversations_window_minutes"),
        ("new_chats_per_address = 5", {}, f"{toml}:webchat.new_chats_per_address"),
        ("", {"HUB_WEBCHAT_NEW_CONVERSATIONS_PER_ADDRESS": "ten"}, "HUB_WEBCHAT_NEW_CONVERSATIONS_PER_ADDRESS"),
        ("", {"HUB_WEBCHAT_NEW_CONVERSATIONS_WINDOW_MINUTES": "0"}, "HUB_WEBCHAT_NEW_CONVERSATIONS_WINDOW_MINUTES"),
    ]
    for table, env, key in refused:
        with pytest.raises(SettingsError) as caught:
            load(table, **env)
        assert caught.value.key == key, (table, env)


@BROWSER[0]
@BROWSER[1]
async def test_the_widget_asks_the_visitor_to_wait_in_their_language(
    settings: Settings, aiohttp_server: Any, db: Database, browser: Browser
) -> None:
    hub = await serve(settings, aiohttp_server, new_conversations_per_address=1)
    assert (await start_chat(await guest(hub.url)))["ok"]  # this address's one new chat
    for locale, wait in (
        ("en-US", "Too many new chats right now, please try again in 10 min."),
        ("zh-CN", "新会话过多，请 10 分钟后再试。"),
    ):
        page = await (await browser.new_context(locale=locale)).new_page()
        errors: list[str] = []
        watch_errors(page, errors)
        await page.goto(f"{hub.url}/chat")
        await page.click("#prechat button")
        await page.fill("#composer textarea", "我想问一下退货")
        await page.press("#composer textarea", "Enter")
        await expect(page.locator("#error")).to_have_text(wait)  # in their language only
        await expect(page.locator("#composer textarea")).to_have_value("我想问一下退货")  # kept to send later
        assert errors == []
    assert (await stored(db))[1] == 1
