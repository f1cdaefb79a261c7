"""A hub started on SQLite with no channel configured leaves out what only other set-ups or later work need.

docs/performance.md ("Memory"): each of these is imported where it is first used (the PostgreSQL dialect,
a channel's SDK and parsers, the demo's mail sink, Markdown rendering, knowledge import and export, Babel,
alembic, the API's handlers and OpenAPI document, the console's page modules and pydantic with them), so an idle
server does not carry their code. The app is built and started (its start-up and cleanup contexts run) in a fresh
interpreter, as `hub serve` does, and the modules it has then are listed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hub.agent_console import page_table
from hub.api.areas import ROUTES

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
    "openpyxl",  # customer imports from .xlsx: on the first workbook uploaded
    "aiosmtpd",  # the demo's mail sink
    "hub.ops.demo_outbox",
    "markdown_it",  # rendering an article, on its first save or preview
    "opencc",  # traditional Chinese: with the first question or article written in it
    "frontmatter",  # knowledge import and export
    "yaml",
    "babel",  # the console's and the widget's catalogs, dates and numbers: on the first page that needs them
    "hub.routing.simulate",  # `hub routing simulate`, and its scenarios and workloads
    "hub.routing.scenario",
    "alembic",  # migrations: `hub db upgrade`
    "mako",
    # The API's handlers and their request models: each area's module on its first request, the OpenAPI
    # document when asked for (hub/api/areas.py)
    *sorted({f"hub.api.{module}" for module, *_ in ROUTES}),
    "hub.api.openapi_schemas",
    "hub.api.requests_tickets",
    "hub.api.requests_people",
    # The console's pages: each page's module on its first request (hub/agent_console/page_table.py), with what
    # only pages import: their strings, the knowledge preview's request model and pydantic, the mail view's HTML
    *sorted({f"hub.agent_console.{module}" for module, *_ in page_table.ROUTES}),
    "hub.agent_console.workspace",
    "hub.agent_console.workspace_strings",
    "hub.agent_console.phrases",
    "hub.agent_console.supervisor_shell",
    "hub.agent_console.admin_strings",
    "hub.agent_console.knowledge_strings",
    "hub.api.requests_knowledge",
    "hub.api.validation",
    "pydantic",
    "pydantic_core",
    "hub.channels.email.mailhtml",
    "hub.tickets.reports",
    "sqlalchemy.dialects.postgresql",  # an SQLite hub's writes (the knowledge usage log's upsert) use SQLite's
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


# A started app on a real socket: an area's module is loaded by its first request, which it answers as before.
_FIRST_REQUESTS = """
import asyncio, json, sys
from aiohttp import ClientSession, web
from hub.imports import server_socketio
from hub.settings import load_settings

server_socketio(redis=False)
from hub.app import create_app


async def main() -> None:
    runner = web.AppRunner(create_app(load_settings()))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    seen = {"before": [m for m in ("hub.api.macros", "hub.api.openapi") if m in sys.modules]}
    try:
        async with ClientSession(f"http://127.0.0.1:{port}") as http:
            async with http.get("/api/v1/macros") as r:  # no credentials: the handler itself refuses
                seen["macros"] = [r.status, (await r.json())["error"]["code"]]
            async with http.head("/api/v1/macros") as r:
                seen["head"] = [r.status]
            async with http.get("/api/openapi.json") as r:
                seen["openapi"] = [r.status, sorted((await r.json())["paths"])]
    finally:
        await runner.cleanup()
    seen["after"] = [m for m in ("hub.api.macros", "hub.api.openapi") if m in sys.modules]
    print(json.dumps(seen))


asyncio.run(main())
"""


# The same for the console's pages: signed out, each answers as before (the sign-in page, a redirect to it, 401).
_FIRST_PAGES = """
import asyncio, json, sys
from aiohttp import ClientSession, web
from hub.imports import server_socketio
from hub.settings import load_settings

server_socketio(redis=False)
from hub.app import create_app

WATCHED = ("hub.agent_console.routes", "hub.agent_console.knowledge_pages", "pydantic", "hub.agent_console.inbox")


async def main() -> None:
    runner = web.AppRunner(create_app(load_settings()))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    seen = {"before": [m for m in WATCHED if m in sys.modules]}
    try:
        async with ClientSession(f"http://127.0.0.1:{port}") as http:
            async with http.get("/login?lang=zh-CN") as r:
                seen["login"] = [r.status, r.content_type, "<form" in await r.text()]
            async with http.get("/console/knowledge/new", allow_redirects=False) as r:
                seen["article"] = [r.status, r.headers["Location"]]
            async with http.post("/api/v1/knowledge/preview", json={"body": "*hi*"}) as r:
                seen["preview"] = [r.status, (await r.json())["error"]["code"]]
    finally:
        await runner.cleanup()
    seen["after"] = [m for m in WATCHED if m in sys.modules]
    print(json.dumps(seen))


asyncio.run(main())
"""


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _smallest_hub(tmp_path: Path) -> dict[str, str]:
    """The environment of a hub on a migrated SQLite file, without channels or a queue."""
    config = tmp_path / "hub.toml"
    config.write_text("")  # no channel, no queue: the smallest hub
    env = {
        **os.environ,
        "HUB_CONFIG": str(config),
        "HUB_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}",
        "HUB_CACHE_DIR": str(tmp_path / "cache"),
    }
    _run(["-m", "hub", "db", "upgrade"], env)  # in its own process: alembic stays out of the probe's
    return env


def test_an_idle_sqlite_hub_without_channels_imports_none_of_what_others_need(tmp_path: Path) -> None:
    env = _smallest_hub(tmp_path)
    loaded = set(json.loads(_run(["-c", _PROBE], env)))
    assert "hub.app" in loaded and "sqlalchemy.dialects.sqlite" in loaded  # the probe did start a SQLite hub
    imported = sorted(name for name in LAZY if name in loaded)
    assert imported == [], f"imported by an idle hub: {imported}"


def test_an_api_area_loads_on_its_first_request_and_answers_it(tmp_path: Path) -> None:
    seen = json.loads(_run(["-c", _FIRST_REQUESTS], _smallest_hub(tmp_path)))
    assert seen["before"] == []
    assert seen["macros"] == [401, "unauthorized"] and seen["head"] == [401]
    status, paths = seen["openapi"]
    assert status == 200 and "/api/v1/macros" in paths
    plain = {path for _module, _method, path, _function in ROUTES if path.startswith("/api/v1/") and ":" not in path}
    assert plain <= set(paths)  # the whole document, though only one area was loaded before it
    assert seen["after"] == ["hub.api.macros", "hub.api.openapi"]


def test_a_console_page_loads_its_module_on_its_first_request_and_answers_it(tmp_path: Path) -> None:
    seen = json.loads(_run(["-c", _FIRST_PAGES], _smallest_hub(tmp_path)))
    assert seen["before"] == []
    assert seen["login"] == [200, "text/html", True]
    assert seen["article"] == [302, "/login?next=/console/knowledge/new"]
    assert seen["preview"] == [401, "unauthorized"]
    # The pages asked for are loaded (the preview's request model brought pydantic); the inbox was not asked for.
    assert seen["after"] == ["hub.agent_console.routes", "hub.agent_console.knowledge_pages", "pydantic"]
