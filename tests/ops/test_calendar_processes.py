"""Two `hub serve` processes on one PostgreSQL and one Redis: a calendar an admin creates or edits on one process
(or imports with `hub calendars import`) is what the other counts its next tickets' SLA due times in, without a
restart."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import datetime, time
from itertools import count
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from hub.agents.accounts import create_token
from hub.bus import EventBus
from hub.db.engine import Database
from tests.conftest import PG_URL, REDIS_URL
from tests.processes import HUB, hubs, spawn, stop
from tests.waiting import until

pytestmark = pytest.mark.skipif(not (PG_URL and REDIS_URL), reason="needs PostgreSQL and Redis")
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
async def two_hubs(database_url: str, redis_url: str) -> AsyncIterator[tuple[list[str], str]]:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share a database only on PostgreSQL")
    db = Database(database_url, EventBus())
    async with db.write() as uow:
        token = await create_token(uow.session, role="admin", name="t")
    await db.dispose()
    async with hubs(2, HUB_DATABASE_URL=database_url, HUB_REDIS_URL=redis_url) as running:
        yield [url for _, url in running], token


async def test_an_edit_on_one_process_reaches_the_other(
    two_hubs: tuple[list[str], str], database_url: str, redis_url: str, tmp_path: Path
) -> None:
    (first, second), token = two_hubs
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:

        async def call(url: str, method: str, path: str, body: Any) -> tuple[int, Any]:
            async with http.request(method, url + path, json=body) as r:
                return r.status, await r.json()

        # Made on the first process, known to the second: a queue there may count in it.
        made = await call(first, "POST", "/api/v1/calendars", {"name": "sundays", "time_zone": "Asia/Shanghai"})
        assert made[0] == 201, made

        async def second_knows_it() -> bool:
            status, _ = await call(second, "POST", "/api/v1/queues", {"name": "desk", "calendar": "sundays"})
            return status == 201

        await until(second_knows_it, timeout=30, what="the second process to know the new calendar")

        # One working hour a week, set on the first process: tickets the second opens fall due on a Sunday.
        week: dict[str, list[str]] = {day: [] for day in ("mon", "tue", "wed", "thu", "fri", "sat")}
        week["sun"] = ["10:00-11:00"]
        changed = await call(first, "PATCH", "/api/v1/calendars/sundays", {"hours": week})
        assert changed[0] == 200, changed
        numbers = count()

        async def second_counts_in_it() -> bool:
            body = {"identity": {"kind": "email", "value": f"li{next(numbers)}@x.test"}, "channel": "email",
                    "text": "where is my refund?", "queue": "desk"}  # fmt: skip
            status, opened = await call(second, "POST", "/api/v1/tickets", body)
            assert status == 201, opened
            due = datetime.fromisoformat(opened["ticket"]["first_response_due_at"]).astimezone(SHANGHAI)
            return due.weekday() == 6 and time(10, 0) < due.time() <= time(11, 0)

        await until(second_counts_in_it, timeout=30, what="the second process's tickets to count in the new hours")

        # The hub command, run beside the serving processes, tells them through Redis too.
        file = tmp_path / "evenings.toml"
        file.write_text('[calendars.evenings]\ntime_zone = "Asia/Shanghai"\nhours = { sat = "18:00-22:00" }\n')
        env = {**os.environ, "HUB_DATABASE_URL": database_url, "HUB_REDIS_URL": redis_url}
        command = await spawn(*HUB, "calendars", "import", str(file), env=env, capture=True)
        await command.wait()
        output = await stop(command)
        assert command.returncode == 0 and output.decode().strip() == "created evenings", output

        async def both_know_it() -> bool:
            for url, queue in ((first, "early"), (second, "late")):
                status, _ = await call(url, "POST", "/api/v1/queues", {"name": queue, "calendar": "evenings"})
                if status != 201 and status != 409:  # 409: made on an earlier try
                    return False
            return True

        await until(both_know_it, timeout=30, what="both processes to know the imported calendar")
