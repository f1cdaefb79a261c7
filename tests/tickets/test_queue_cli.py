"""`hub queue` scripts what the queues API does, on SQLite and PostgreSQL: create, rename, calendar, auto-assignment,
members; each change audited; refusals are one line on standard error."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from hub.bus import EventBus
from hub.cli import main
from hub.db.engine import Database
from hub.db.models import AuditEntry
from hub.settings import PROJECT_ROOT


async def queue_audits(url: str) -> list[AuditEntry]:
    db = Database(url, EventBus())
    try:
        async with db.read() as s:
            query = select(AuditEntry).where(AuditEntry.action.like("queue.%")).order_by(AuditEntry.id)
            return list(await s.scalars(query))
    finally:
        await db.dispose()


def last_line(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out.splitlines()[-1]


def test_an_admin_scripts_a_queue_from_start_to_staffed(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUB_CONFIG", str(PROJECT_ROOT / "config" / "hub.toml"))
    monkeypatch.setenv("HUB_DATABASE_URL", database_url)
    assert main(["db", "upgrade"]) == 0
    assert main(["queue", "create", "returns", "--display-name", "Returns"]) == 0
    assert last_line(capsys) == "returns\tReturns\t24x7\tauto\tmembers -"
    renamed = ["--display-name", "退换货 Returns", "--calendar", "cn-office", "--manual"]
    assert main(["queue", "set", "returns", *renamed]) == 0
    assert last_line(capsys) == "returns\t退换货 Returns\tcn-office\tmanual\tmembers -"
    # Only what the command names changes.
    assert main(["queue", "set", "returns", "--auto"]) == 0
    assert last_line(capsys) == "returns\t退换货 Returns\tcn-office\tauto\tmembers -"
    assert main(["queue", "set", "returns", "--no-calendar"]) == 0
    assert last_line(capsys) == "returns\t退换货 Returns\t24x7\tauto\tmembers -"
    assert main(["queue", "set", "returns", "--calendar", "moon"]) == 1
    assert "no calendar named 'moon'" in capsys.readouterr().err
    assert main(["queue", "set", "nowhere", "--manual"]) == 1
    assert "queue 'nowhere' does not exist" in capsys.readouterr().err
    assert main(["queue", "set", "returns", "--display-name", "  "]) == 1
    assert "display_name" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # argparse: a calendar and none at once
        main(["queue", "set", "returns", "--calendar", "cn-office", "--no-calendar"])
    capsys.readouterr()
    assert main(["queue", "list"]) == 0
    assert "returns\t退换货 Returns\t24x7\tauto\tmembers -" in capsys.readouterr().out.splitlines()

    rows = asyncio.run(queue_audits(database_url))
    assert [r.action for r in rows] == ["queue.created", "queue.updated", "queue.updated", "queue.updated"]
    assert rows[1].details["changes"] == {
        "display_name": ["Returns", "退换货 Returns"],
        "calendar": [None, "cn-office"],
        "auto_assign": [True, False],
    }
    assert {r.actor_kind for r in rows} == {"cli"}
