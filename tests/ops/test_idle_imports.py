"""A hub started on SQLite with no channel configured leaves out what only other set-ups or later work need.

docs/performance.md ("Memory"): each of these is imported where it is first used (the PostgreSQL dialect,
a channel's SDK and parsers, the demo's mail sink, Markdown rendering, knowledge import and export, Babel,
alembic), so an idle server does not carry their code. The app is built and started (its start-up and cleanup contexts
run) in a fresh interpreter, as `hub serve` does, and the modules it has then are listed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Packages (and hub modules) an idle SQLite hub without channels must not have imported.
LAZY = (
    "sqlalchemy.dialects.postgresql",  # JSONB and its upserts: on PostgreSQL only
    "asyncpg",
    "twilio",  # the Twilio channel: its SDK, TwiML and HTTP client
    "requests",
    "urllib3",
    "hub.channels.twilio.service",
    "imapclient",  # the e-mail channel: IMAP, SMTP, the parsers' pool, charset detection
    "aiosmtplib",
    "charset_normalizer",
    "multiprocessing",
    "hub.channels.email.service",
    "hub.channels.wechat.channel",  # the WeChat channel
    "defusedxml",
    "aiosmtpd",  # the demo's mail sink
    "hub.ops.demo_outbox",
    "markdown_it",  # rendering an article, on its first save or preview
    "frontmatter",  # knowledge import and export
    "yaml",
    "babel",  # the console's and the widget's catalogs, dates and numbers: on the first page that needs them
    "hub.routing.simulate",  # `hub routing simulate`, and its scenarios and workloads
    "hub.routing.scenario",
    "alembic",  # migrations: `hub db upgrade`
    "mako",
)

# In a fresh interpreter, as `hub serve` loads it: the app made and started, then its modules listed.
_PROBE = """
import asyncio, json, sys
from aiohttp import web
import hub.cli  # the command line `hub serve` starts from (its parser names every command)
from hub.imports import server_socketio
from hub.settings import load_settings

server_socketio(redis=False)
from hub.app import create_app


async def main() -> None:
    runner = web.AppRunner(create_app(load_settings()))
    await runner.setup()  # on_startup and the cleanup contexts' start: the schema check, services, channels
    try:
        print(json.dumps(sorted(sys.modules)))
    finally:
        await runner.cleanup()


asyncio.run(main())
"""


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_an_idle_sqlite_hub_without_channels_imports_none_of_what_others_need(tmp_path: Path) -> None:
    config = tmp_path / "hub.toml"
    config.write_text("")  # no channel, no queue: the smallest hub
    env = {
        **os.environ,
        "HUB_CONFIG": str(config),
        "HUB_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}",
        "HUB_CACHE_DIR": str(tmp_path / "cache"),
    }
    _run(["-m", "hub", "db", "upgrade"], env)  # in its own process: alembic stays out of the probe's
    loaded = set(json.loads(_run(["-c", _PROBE], env)))
    assert "hub.app" in loaded and "sqlalchemy.dialects.sqlite" in loaded  # the probe did start a SQLite hub
    imported = sorted(name for name in LAZY if name in loaded)
    assert imported == [], f"imported by an idle hub: {imported}"
