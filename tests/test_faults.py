"""Fault test: kill -9 of a hub process in the middle of mixed load (web chat, SMTP, signed Twilio and
WeChat webhooks) on PostgreSQL + Redis. Every contact a sender got an acknowledgement for is stored,
and none twice."""

from __future__ import annotations

import asyncio
import itertools
import os
from pathlib import Path
from typing import Any

import aiohttp
import aiosmtplib
import pytest
from sqlalchemy import func, select

from hub.bus import EventBus
from hub.db.engine import Database
from hub.db.models import Interaction
from hub.settings import PROJECT_ROOT
from tests.conftest import PG_URL, REDIS_URL
from tests.processes import free_port, start_hub
from tests.sockets import visitor
from tests.twilio_kit import ACCOUNT_SID, AUTH_TOKEN, SUPPORT, post_signed, sms_params
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

    async def round(self, url: str, smtp_port: int, chat: Any) -> None:
        n = next(self._n)
        await asyncio.gather(
            self._chat(chat, n), self._mail(smtp_port, n), self._sms(url, n), self._wechat(url, n),
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


async def test_kill_9_under_mixed_load_loses_nothing_acknowledged(database_url: str, tmp_path: Path) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share a database only on PostgreSQL")
    assert REDIS_URL
    cfg = config(tmp_path)
    hubs = []
    for _ in range(2):
        smtp = free_port()
        env = {**os.environ, "HUB_DATABASE_URL": database_url, "HUB_HTTP_PORT": str(free_port()),
               "HUB_SMTP_PORT": str(smtp), "HUB_REDIS_URL": REDIS_URL, "HUB_CONFIG": str(cfg)}  # fmt: skip
        proc, url = await start_hub(env)
        hubs.append((proc, url, smtp, await visitor(url)))
    load = Load()
    try:
        for _, _, _, chat in hubs:
            await chat.next("session")
        for r in range(ROUNDS):
            if r == ROUNDS // 2:
                # kill -9 while this round's contacts are in flight to it: each is refused, or acked and stored
                _, url, smtp, chat = hubs[0]
                in_flight = asyncio.create_task(load.round(url, smtp, chat))
                await asyncio.sleep(0.005)
                hubs[0][0].kill()
                await in_flight
            for _, url, smtp, chat in hubs[1:] if r >= ROUNDS // 2 else hubs:
                await load.round(url, smtp, chat)
        await hubs[0][0].wait()
        await asyncio.sleep(0.5)
        db = Database(database_url, EventBus())
        try:
            async with db.read() as s:
                inbound = Interaction.direction == "inbound"
                stored = {
                    channel: list(await s.scalars(select(column).where(Interaction.channel == name, inbound)))
                    for channel, name, column in (
                        ("webchat", "webchat", Interaction.id), ("email", "email", Interaction.external_id),
                        ("sms", "sms.twilio", Interaction.external_id), ("wechat", "wechat", Interaction.external_id),
                    )
                }  # fmt: skip
                total = await s.scalar(select(func.count()).select_from(Interaction))
        finally:
            await db.dispose()
    finally:
        for proc, _, _, chat in hubs:
            if proc.returncode is None:
                await chat.close()
                proc.terminate()
                await proc.wait()
    for channel, acked in load.acked.items():
        have = [str(x) for x in stored[channel]]
        assert acked <= set(have), f"{channel}: acknowledged but not stored: {sorted(acked - set(have))[:5]}"
        assert len(have) == len(set(have)), f"{channel}: stored twice"
    assert sum(len(a) for a in load.acked.values()) >= 4 * (ROUNDS + ROUNDS // 2) - 4  # all but the killed round
    assert total is not None and total >= sum(len(a) for a in load.acked.values())
