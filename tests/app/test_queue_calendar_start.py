"""hub.toml may give a queue a calendar an admin made (`hub calendars`, the API): the hub starts with it; a
calendar nobody made stops start-up with the file's key named, and nothing of the file's queues is written."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.processes import HUB, free_port, start_hub, stop

CONFIG = """
[queues.general]
display_name = "General"
[queues.night]
display_name = "Night desk"
calendar = "night-shift"
"""
NIGHT_SHIFT = """
[calendars.night-shift]
time_zone = "Asia/Shanghai"
hours = { "mon-sun" = "20:00-23:59" }
"""


def run_hub(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HUB, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "hub.toml").write_text(CONFIG, encoding="utf-8")
    return {
        **os.environ,
        "HUB_CONFIG": str(tmp_path / "hub.toml"),
        "HUB_DATABASE_URL": f"sqlite:///{tmp_path}/hub.db",
        "HUB_HTTP_PORT": str(free_port()),
        "HUB_SMTP_PORT": str(free_port()),  # never the shared default in tests
    }


async def test_a_queue_may_count_in_a_calendar_an_admin_made(env: dict[str, str], tmp_path: Path) -> None:
    assert run_hub("db", "upgrade", env=env).returncode == 0
    refused = run_hub("serve", env=env)
    assert refused.returncode == 2, refused.stderr
    assert "queues.night.calendar='night-shift': expected the name of a calendar" in refused.stderr
    with sqlite3.connect(tmp_path / "hub.db") as db:
        assert db.execute("SELECT count(*) FROM queues WHERE name = 'night'").fetchone() == (0,)

    (tmp_path / "night.toml").write_text(NIGHT_SHIFT, encoding="utf-8")
    made = run_hub("calendars", "import", str(tmp_path / "night.toml"), env=env)
    assert made.returncode == 0, made.stderr
    proc, _url = await start_hub(env, capture=True)
    output = await stop(proc)
    assert proc.returncode == 0, output.decode()
    with sqlite3.connect(tmp_path / "hub.db") as db:
        assert db.execute("SELECT calendar FROM queues WHERE name = 'night'").fetchone() == ("night-shift",)
