"""`hub calendars`: list, show, import from a TOML file (created or replaced, all or nothing) and delete, audited;
`hub queue` names the calendars admins made too."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from hub.cli import main
from hub.settings import PROJECT_ROOT

NIGHT = """
[calendars.night]
time_zone = "Europe/Berlin"
hours = { "mon-fri" = "22:00-06:00" }
holidays = [2026-12-24, 2026-12-25]

[calendars.cn-office]
time_zone = "Asia/Shanghai"
hours = { "mon-fri" = "09:00-18:00", sat = ["10:00-12:00", "13:00-15:00"] }
"""


def test_the_command_line_lists_imports_shows_and_deletes_calendars(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUB_DATABASE_URL", f"sqlite:///{tmp_path / 'hub.db'}")
    monkeypatch.setenv("HUB_CONFIG", str(PROJECT_ROOT / "config" / "hub.toml"))
    monkeypatch.delenv("HUB_REDIS_URL", raising=False)
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["calendars", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["cn-office\tAsia/Shanghai\tmon-fri 09:00-18:00\thub.toml\tqueues -"]

    file = tmp_path / "calendars.toml"
    file.write_text(NIGHT, encoding="utf-8")
    assert main(["calendars", "import", str(file)]) == 0
    assert capsys.readouterr().out.splitlines() == ["created night", "updated cn-office"]
    assert main(["calendars", "import", str(file)]) == 0  # again: the same calendars, nothing changes
    assert main(["calendars", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()[-2:]
    assert listed == [
        "cn-office\tAsia/Shanghai\tmon-fri 09:00-18:00, sat 10:00-12:00 13:00-15:00\tadmin\tqueues -",
        "night\tEurope/Berlin\tmon-fri 22:00-06:00\tadmin\tqueues -",
    ]
    assert main(["calendars", "show", "night"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["holidays"] == ["2026-12-24", "2026-12-25"] and shown["hours"]["sat"] == []

    # A queue may count in the imported calendar; while it does, the calendar stays.
    assert main(["queue", "create", "nights", "--calendar", "night"]) == 0
    capsys.readouterr()
    assert main(["calendars", "delete", "night"]) == 1
    assert "used by queues nights" in capsys.readouterr().err

    # A bad table stops the whole import, naming it: the good one before it is not half-written.
    file.write_text(NIGHT.replace("Asia/Shanghai", "Asia/Atlantis"), encoding="utf-8")
    assert main(["calendars", "import", str(file)]) == 1
    assert "calendars.cn-office.time_zone" in capsys.readouterr().err
    empty_saturday = NIGHT.replace('"Europe/Berlin"', '"UTC"').replace('["10:00-12:00", "13:00-15:00"]', '"9:00-9:00"')
    file.write_text(empty_saturday, encoding="utf-8")
    assert main(["calendars", "import", str(file)]) == 1
    assert main(["calendars", "show", "night"]) == 0
    assert json.loads(capsys.readouterr().out)["time_zone"] == "Europe/Berlin"
    assert main(["calendars", "show", "nowhere"]) == 1
    assert main(["calendars", "import", str(tmp_path / "missing.toml")]) == 1
    assert "readable TOML file" in capsys.readouterr().err
    with closing(sqlite3.connect(tmp_path / "hub.db")) as conn:
        audited = conn.execute(
            "SELECT actor_kind, action FROM audit_log WHERE target_kind = 'calendar' ORDER BY id"
        ).fetchall()
    assert audited == [("cli", "calendar.created"), ("cli", "calendar.updated")]  # the second import changed nothing
