"""The compressed day's cast (bench/day.py): the hub's configuration, the agents and customers it starts with,
and the desk that works for the agents (accepts offers, answers and solves)."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from pathlib import Path

import aiohttp
import asyncpg
from sqlalchemy import insert, select, text

from bench._services import project_config
from hub.agents.accounts import create_agent, create_session
from hub.bus import EventBus
from hub.db.engine import Database
from hub.db.migrate import upgrade_async
from hub.db.models import ConsoleSession, Customer, Identity, Ticket
from tests.twilio_kit import ACCOUNT_SID, AUTH_TOKEN, SUPPORT
from tests.wechat_kit import MAIN

TIERS = (("diamond", 0.05), ("gold", 0.10), ("silver", 0.25), ("general", 0.60))


def config(tmp: Path) -> Path:
    """The project's hub.toml with the Twilio number and WeChat account the senders sign for."""
    extra = (
        f'\n[twilio]\naccount_sid = "{ACCOUNT_SID}"\nauth_token = "{AUTH_TOKEN}"\n'
        f'[twilio.numbers."{SUPPORT}"]\nqueue = "general"\n'
        f'\n[wechat.accounts.main]\ntoken = "{MAIN.token}"\nappid = "{MAIN.appid}"\nappsecret = "{MAIN.appsecret}"\n'
    )
    path = tmp / "hub.toml"
    path.write_text(project_config() + extra, encoding="utf-8")
    return path


async def prepare(url: str, agents: int, customers: int) -> tuple[list[tuple[int, str, str]], dict[int, str]]:
    """Empty schema; agents with console sessions; customers of each tier with email, phone and WeChat."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()
    await upgrade_async(url)
    db = Database(url, EventBus())
    rng = random.Random(3)
    people: list[tuple[int, str, str]] = []
    sessions: dict[int, str] = {}
    async with db.write() as uow:
        s = uow.session
        for n in range(agents):
            agent = await create_agent(
                s, email=f"agent{n}@day.test", display_name=f"agent {n}", role="agent", password="a long password"
            )
            agent.capacity = {"webchat": 3, "email": 5, "sms.twilio": 5, "wechat": 3}
            agent.languages = ["en", "zh"]
            sessions[agent.id], _ = await create_session(s, agent, timedelta(hours=4))
        rows = [
            {
                "id": i + 1,
                "display_name": f"customer {i}",
                "attributes": {},
                "tier": rng.choices([t for t, _ in TIERS], [w for _, w in TIERS])[0],
            }
            for i in range(customers)
        ]
        await s.execute(insert(Customer), rows)
        ids = []
        for r in rows:
            i = r["id"]
            ids += [
                {"customer_id": i, "kind": "email", "value": f"c{i}@day.test"},
                {"customer_id": i, "kind": "phone", "value": f"+861380{i:07d}"},
                {"customer_id": i, "kind": "wechat", "value": f"{MAIN.appid}:oDAY{i:012d}"},
            ]
            people.append((int(str(i)), str(r["tier"]), f"oDAY{i:012d}"))
        await s.execute(insert(Identity), ids)
        # Ids were given explicitly: move the sequence past them, or the next new customer collides.
        await s.execute(
            text("SELECT setval(pg_get_serial_sequence('customers', 'id'), (SELECT max(id) FROM customers))")
        )
    await db.dispose()
    return people, sessions


class Desk:
    """Works for the agents: accepts their offers, answers and solves what they hold after handle_s."""

    def __init__(self, url: str, hubs: list[str], sessions: dict[int, str], handle_s: float) -> None:
        self._db = Database(url, EventBus())
        self._hubs, self._sessions, self._handle = hubs, sessions, handle_s
        self._csrf: dict[int, str] = {}
        self._busy: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        async with self._db.read() as s:
            for agent_id, csrf in (await s.execute(select(ConsoleSession.agent_id, ConsoleSession.csrf_token))).all():
                self._csrf[agent_id] = csrf
        async with aiohttp.ClientSession() as http:
            try:
                await self._loop(http)
            finally:
                # Stopped: the work in hand stops too, before its HTTP session closes under it.
                for task in list(self._tasks):
                    task.cancel()
                await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _loop(self, http: aiohttp.ClientSession) -> None:
        while True:
            async with self._db.read() as s:
                held = (
                    await s.execute(
                        select(Ticket.id, Ticket.assignee_id, Ticket.assignment).where(
                            Ticket.assignee_id.isnot(None), Ticket.status.in_(("new", "open"))
                        )
                    )
                ).all()
            for ticket_id, agent_id, assignment in held:
                if ticket_id not in self._busy:
                    self._busy.add(ticket_id)
                    task = asyncio.create_task(self._work(http, ticket_id, agent_id, assignment.get("state")))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
            await asyncio.sleep(0.25)

    async def _work(self, http: aiohttp.ClientSession, ticket_id: int, agent_id: int, state: str | None) -> None:
        hub = self._hubs[agent_id % len(self._hubs)]
        headers = {"Cookie": f"hub_session={self._sessions[agent_id]}", "X-CSRF-Token": self._csrf[agent_id]}
        base = f"{hub}/api/v1/tickets/{ticket_id}"
        try:
            if state == "offered":
                async with http.post(f"{base}/offer", json={"accept": True}, headers=headers) as r:
                    if r.status != 200:
                        return
            await asyncio.sleep(self._handle)
            async with http.post(f"{base}/replies", json={"text": "Done, thanks!"}, headers=headers):
                pass
            async with http.patch(base, json={"status": "solved"}, headers=headers):
                pass
        finally:
            self._busy.discard(ticket_id)

    async def close(self) -> None:
        await self._db.dispose()
