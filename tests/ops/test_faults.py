"""Fault tests on PostgreSQL + Redis: kill -9 of a hub process in the middle of mixed load (web chat,
SMTP, signed Twilio and WeChat webhooks): every acknowledged contact is stored, none twice; Redis
restarted mid-load: contacts are still stored, and consoles hear from the other process again."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import aiosmtplib
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from hub.agents.accounts import create_agent, create_session
from hub.bus import EventBus
from hub.db.engine import Database
from hub.db.models import Interaction
from hub.settings import PROJECT_ROOT
from tests import redis_server
from tests.conftest import PG_URL, REDIS_URL
from tests.processes import Process, free_port, start_hub, stop
from tests.sockets import Probe, agent_socket, visitor
from tests.twilio_kit import ACCOUNT_SID, AUTH_TOKEN, SUPPORT, post_signed, sms_params
from tests.waiting import until
from tests.wechat_kit import MAIN, plain_push, text_xml

pytestmark = pytest.mark.skipif(not (PG_URL and REDIS_URL), reason="needs PostgreSQL and Redis")
ROUNDS = 40


def config(tmp: Path) -> Path:
    extra = (
        f'\n[twilio]\naccount_sid = "{ACCOUNT_SID}"\nauth_token = "{AUTH_TOKEN}"\n'
        f'[twilio.numbers."{SUPPORT}"]\nqueue = "general"\n'
        f'\n[wechat.accounts.main]\ntoken = "{MAIN.token}"\nappid = "{MAIN.appid}"\nappsecret = "{MAIN.appsecret}"\n'
    )
    path = tmp / "hub.toml"
    path.write_text((PROJECT_ROOT / "config" / "hub.toml").read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


class Load:
    """Sends one contact of each channel per round to a process; remembers what was acknowledged."""

    def __init__(self) -> None:
        self.acked: dict[str, set[str]] = {"webchat": set(), "email": set(), "sms": set(), "wechat": set()}
        self.refused = 0
        self._n = itertools.count()

    async def round(self, url: str, smtp_port: int, chats: list[Any]) -> None:
        n = next(self._n)
        await asyncio.gather(
            self._chat(chats[n % len(chats)], n), self._mail(smtp_port, n), self._sms(url, n), self._wechat(url, n),
            return_exceptions=True,
        )  # fmt: skip

    async def _chat(self, chat: Any, n: int) -> None:
        try:
            ack = await chat.call("message", {"text": f"chat {n}"}, timeout=3)
        except Exception:
            self.refused += 1
            return
        if ack.get("ok"):
            self.acked["webchat"].add(str(ack["id"]))

    async def _mail(self, port: int, n: int) -> None:
        mail = f"From: c{n}@example.com\r\nTo: support@hub.test\r\nSubject: n{n}\r\n"
        mail += f"Message-ID: <fault-{n}@x>\r\n\r\nhi\r\n"
        try:
            await aiosmtplib.send(mail.encode(), sender=f"c{n}@example.com", recipients=["support@hub.test"],
                                  hostname="127.0.0.1", port=port, timeout=5)  # fmt: skip
        except Exception:
            self.refused += 1
            return
        self.acked["email"].add(f"<fault-{n}@x>")

    async def _sms(self, url: str, n: int) -> None:
        sid = f"SM{n:032x}"
        try:
            status, _ = await post_signed(f"{url}/webhooks/twilio/sms", sms_params(f"sms {n}", message_sid=sid))
        except Exception:
            self.refused += 1
            return
        if status == 200:
            self.acked["sms"].add(sid)

    async def _wechat(self, url: str, n: int) -> None:
        query, body = plain_push(text_xml(f"微信 {n}", msg_id=900_000 + n))
        try:
            async with (
                aiohttp.ClientSession() as http,
                http.post(f"{url}/webhooks/wechat/main?{query}", data=body, timeout=aiohttp.ClientTimeout(5)) as r,
            ):
                ok = r.status == 200 and await r.text() == "success"
        except Exception:
            self.refused += 1
            return
        if ok:
            self.acked["wechat"].add(str(900_000 + n))


async def _stored(db: Database) -> tuple[dict[str, list[Any]], int | None]:
    """Each channel's stored inbound ids (as the load remembers them), and how many interactions in all."""
    async with db.read() as s:
        inbound = Interaction.direction == "inbound"
        stored = {
            channel: list(await s.scalars(select(column).where(Interaction.channel == name, inbound)))
            for channel, name, column in (
                ("webchat", "webchat", Interaction.id), ("email", "email", Interaction.external_id),
                ("sms", "sms.twilio", Interaction.external_id), ("wechat", "wechat", Interaction.external_id),
            )
        }  # fmt: skip
        return stored, await s.scalar(select(func.count()).select_from(Interaction))


async def test_kill_9_under_mixed_load_loses_nothing_acknowledged(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share a database only on PostgreSQL")
    cfg = config(tmp_path)
    hubs: list[tuple[Process, str, int, list[Probe]]] = []
    load = Load()
    try:
        for _ in range(2):
            smtp = free_port()
            env = {**os.environ, "HUB_DATABASE_URL": database_url, "HUB_HTTP_PORT": str(free_port()),
                   "HUB_SMTP_PORT": str(smtp), "HUB_REDIS_URL": redis_url, "HUB_CONFIG": str(cfg)}  # fmt: skip
            proc, url = await start_hub(env)
            chats: list[Probe] = []
            hubs.append((proc, url, smtp, chats))  # in the list at once: stopped whatever happens next
            # Several chat visitors per process: one alone would meet the per-visitor limit of 30 a minute.
            chats.extend([await visitor(url) for _ in range(3)])
        for _, _, _, chats in hubs:
            for chat in chats:
                await chat.next("session")
        for r in range(ROUNDS):
            if r == ROUNDS // 2:
                # kill -9 while this round's contacts are in flight to it: each is refused, or acked and stored
                _, url, smtp, chats = hubs[0]
                in_flight = asyncio.create_task(load.round(url, smtp, chats))
                await asyncio.sleep(0.005)
                hubs[0][0].kill()
                await in_flight
            for _, url, smtp, chats in hubs[1:] if r >= ROUNDS // 2 else hubs:
                await load.round(url, smtp, chats)
        await hubs[0][0].wait()
        db = Database(database_url, EventBus())
        stored: dict[str, list[Any]] = {}
        total: int | None = None

        async def settled() -> bool:
            nonlocal stored, total
            stored, total = await _stored(db)
            return all(acked <= {str(x) for x in stored[c]} for c, acked in load.acked.items())

        try:
            with contextlib.suppress(AssertionError):  # the assertions below say what is missing
                await until(settled, timeout=10, what="every acknowledged contact to be stored")
        finally:
            await db.dispose()
    finally:
        for proc, _, _, chats in hubs:
            if proc.returncode is None:
                for chat in chats:
                    await chat.close()
            await stop(proc)  # a killed one too: its group may hold a worker
    for channel, acked in load.acked.items():
        have = [str(x) for x in stored[channel]]
        assert acked <= set(have), f"{channel}: acknowledged but not stored: {sorted(acked - set(have))[:5]}"
        assert len(have) == len(set(have)), f"{channel}: stored twice"
    assert sum(len(a) for a in load.acked.values()) >= 4 * (ROUNDS + ROUNDS // 2) - 4  # all but the killed round
    assert total is not None and total >= sum(len(a) for a in load.acked.values())


async def test_redis_restart_mid_load_consoles_recover_and_nothing_is_lost(database_url: str, tmp_path: Path) -> None:
    """Redis carries only live events: while it is down, contacts are still stored and acknowledged; once
    it is back, consoles on the other process hear of new messages again."""
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share a database only on PostgreSQL")
    if not redis_server.INSTALLED:
        pytest.skip("restarts a redis-server of its own")
    redis = redis_server.RedisServer(tmp_path)
    await redis.start()
    db = Database(database_url, EventBus())
    async with db.write() as uow:
        agent = await create_agent(uow.session, email="r@x.test", display_name="r", role="agent",
                                   password="a long password")  # fmt: skip
        session, _ = await create_session(uow.session, agent, timedelta(hours=1))
    procs = []
    try:
        urls = []
        for _ in range(2):
            env = {**os.environ, "HUB_DATABASE_URL": database_url, "HUB_HTTP_PORT": str(free_port()),
                   "HUB_REDIS_URL": redis.url}  # fmt: skip
            proc, url = await start_hub(env)
            procs.append(proc)
            urls.append(url)
        console = await agent_socket(urls[0], session)
        guest = await visitor(urls[1])
        await guest.next("session")

        async def say(text: str) -> None:
            ack = await guest.call("message", {"text": text})
            assert ack["ok"] is True  # stored and acknowledged whatever Redis is doing

        await say("before")
        await console.next_matching("message", lambda e: e["interaction"]["text"] == "before", timeout=30)
        await redis.kill()
        await say("while Redis is down")
        await redis.start()
        heard = False
        for n in range(20):  # the processes reconnect to Redis with backoff
            await say(f"after {n}")
            try:
                await console.next_matching("message", lambda e, n=n: e["interaction"]["text"] == f"after {n}",
                                            timeout=1.5)  # fmt: skip
                heard = True
                break
            except TimeoutError:
                continue
        assert heard, "the console never heard from the other process again"
        async with db.read() as s:
            texts = list(await s.scalars(select(Interaction.text).where(Interaction.direction == "inbound")))
        assert texts.count("before") == 1 and texts.count("while Redis is down") == 1  # stored once each
        await guest.close()
        await console.close()
    finally:
        for p in procs:
            await stop(p)
        await redis.stop()
        await db.dispose()


@pytest.mark.skipif(not os.environ.get("HUB_TEST_SERVICES_DIR"), reason="restarts the test PostgreSQL")
@pytest.mark.alone  # every other test uses that PostgreSQL too
async def test_postgresql_restart_mid_load_hub_reconnects_and_retries_are_absorbed(
    database_url: str, tmp_path: Path
) -> None:
    """Twilio retries a webhook that did not get its 200; while PostgreSQL restarts the hub answers 5xx
    (it never acknowledges what it could not store), then stores each message once."""
    if not database_url.startswith("postgresql"):
        pytest.skip("restarts PostgreSQL")
    env = {**os.environ, "HUB_DATABASE_URL": database_url, "HUB_HTTP_PORT": str(free_port()),
           "HUB_CONFIG": str(config(tmp_path))}  # fmt: skip
    proc, url = await start_hub(env)
    services = {
        **os.environ,
        "SVC_DIR": os.environ["HUB_TEST_SERVICES_DIR"],
        "PG_PORT": str(make_url(database_url).port),
    }
    try:
        refused = 0

        async def deliver(n: int) -> None:
            """As Twilio does: again until a 200 (at most 120 tries), and once more after it (a late retry)."""
            nonlocal refused
            sid = f"SM{7_000_000 + n:032x}"
            for _ in range(120):
                try:
                    status, _ = await post_signed(f"{url}/webhooks/twilio/sms", sms_params(f"pg {n}", message_sid=sid))
                except aiohttp.ClientError:
                    status = 0
                if status == 200:
                    break
                refused += 1  # not acknowledged: Twilio will try again
                await asyncio.sleep(0.1)
            else:
                raise AssertionError(f"message {n} was never acknowledged")
            await post_signed(f"{url}/webhooks/twilio/sms", sms_params(f"pg {n}", message_sid=sid))

        for n in range(3):
            await deliver(n)
        restart = await asyncio.create_subprocess_exec("scripts/test-services.sh", "restart_pg", env=services,
                                                       cwd=PROJECT_ROOT)  # fmt: skip
        sent = 3
        while restart.returncode is None:  # keep texting while the database goes down and comes back
            await deliver(sent)
            sent += 1
            await asyncio.sleep(0.01)
        assert await restart.wait() == 0
        for n in range(sent, sent + 2):
            await deliver(n)
        sent += 2
        assert refused > 0, "the restart was never noticed: nothing was tested"
        db = Database(database_url, EventBus())
        try:
            async with db.read() as s:
                texts = list(await s.scalars(select(Interaction.text).where(Interaction.channel == "sms.twilio")))
        finally:
            await db.dispose()
        assert sorted(texts) == sorted(f"pg {n}" for n in range(sent))  # each once
    finally:
        await stop(proc)
