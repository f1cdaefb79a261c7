"""Fixtures: every DB test runs on SQLite and, when configured, PostgreSQL; servers listen on loopback."""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser

from hub.agents.accounts import create_agent, create_session, create_token
from hub.app import create_app
from hub.bus import EventBus
from hub.channels.email.config import email_config
from hub.db.engine import Database
from hub.db.models import Agent
from hub.ops import warm_up
from hub.settings import PROJECT_ROOT, Settings, load_settings
from tests import alone, redis_server
from tests.browser_kit import launched
from tests.databases import PostgresCopies, SqliteCopies
from tests.processes import free_port, stop_leftovers
from tests.twilio_kit import FakeTwilio, config

PG_URL = os.environ.get("HUB_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("HUB_TEST_REDIS")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]
PASSWORD = "correct horse battery"
SAMPLE_ARTICLES = PROJECT_ROOT / "config" / "knowledge" / "sample-articles.json"
# The SQLite databases live in memory when they can: the hub syncs every commit to disk (as it must), which on a
# CI disk costs milliseconds a commit; on tmpfs the same calls return at once, and the same code runs.
MEMORY = Path("/dev/shm")  # noqa: S108 - only a private folder (mkdtemp) is made in it


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("HUB_TEST_REQUIRE_POSTGRES") == "1" and not PG_URL:
        raise pytest.UsageError("HUB_TEST_REQUIRE_POSTGRES=1 but HUB_TEST_POSTGRES_URL is not set")
    if os.environ.get("HUB_TEST_REQUIRE_REDIS") == "1" and not REDIS_URL:
        raise pytest.UsageError("HUB_TEST_REQUIRE_REDIS=1 but HUB_TEST_REDIS is not set")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, object, object]:
    """Under pytest-xdist, a test marked `alone` runs while no other does (tests/alone.py)."""
    with alone.turn(item):
        return (yield)


@pytest.fixture(autouse=True)
def no_process_outlives_its_test() -> Iterator[None]:
    """The net under tests/processes.py: whatever a test started and did not stop is killed when it ends."""
    yield
    stop_leftovers()


@dataclass
class Copies:
    sqlite: SqliteCopies
    postgres: PostgresCopies | None
    folder: Path  # where the SQLite copies go


@pytest.fixture(scope="session")
def database_copies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Copies]:
    in_memory = MEMORY.is_dir() and os.access(MEMORY, os.W_OK)
    folder = Path(tempfile.mkdtemp(prefix="hub-tests-", dir=MEMORY)) if in_memory else tmp_path_factory.mktemp("dbs")
    copies = Copies(
        SqliteCopies(tmp_path_factory.mktemp("template")), PostgresCopies(PG_URL) if PG_URL else None, folder
    )
    try:
        yield copies
        if copies.postgres:
            asyncio.run(copies.postgres.close())
    finally:
        if in_memory:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, database_copies: Copies) -> AsyncIterator[str]:
    """A migrated database of this test's own: nothing of another test (or a process it left) reaches it."""
    if request.param == "sqlite":
        own = Path(tempfile.mkdtemp(dir=database_copies.folder))  # the database and its journal files
        try:
            yield await database_copies.sqlite.fresh(own / "hub.db")
        finally:
            shutil.rmtree(own, ignore_errors=True)
        return
    assert database_copies.postgres
    url = await database_copies.postgres.fresh()
    try:
        yield url
    finally:
        await database_copies.postgres.drop(url)


@pytest.fixture
async def redis_url(tmp_path: Path) -> AsyncIterator[str]:
    """A Redis for this test alone when redis-server is installed, else the shared one (HUB_TEST_REDIS)."""
    if not REDIS_URL:
        pytest.skip("needs Redis (HUB_TEST_REDIS)")
    if not redis_server.INSTALLED:
        yield REDIS_URL  # pub/sub cannot be divided on a shared server: a leftover process could hear this test
        return
    server = redis_server.RedisServer(tmp_path)
    await server.start()
    try:
        yield server.url
    finally:
        await server.stop()


@pytest.fixture
def wechat_api_base() -> str:
    """Nothing listens here; tests that talk to WeChat override this with a local fake."""
    return "http://127.0.0.1:9"


@pytest.fixture
def settings(database_url: str, wechat_api_base: str, tmp_path: Path) -> Settings:
    from tests.wechat_kit import MAIN, OTHER

    base = load_settings(
        env={"HUB_CONFIG": str(PROJECT_ROOT / "config" / "hub.toml")},
        database_url=database_url,
        wechat_api_base=wechat_api_base,
        attachments_dir=str(tmp_path / "attachments"),
        smtp_port=free_port(),
    )
    return (
        base.with_channel("wechat", (MAIN, OTHER))
        # Nothing listens there: tests that talk to Twilio use twilio_hub.
        .with_channel("twilio", config("http://127.0.0.1:9", "127.0.0.1:9"))
        .with_channel("email", dataclasses.replace(email_config(base), raw_dir=str(tmp_path / "mail-raw")))
    )


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.database_url, EventBus())
    yield database
    await database.dispose()


@dataclass
class Hub:
    server: TestServer
    app: web.Application
    settings: Settings

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")


@pytest.fixture
async def hub(settings: Settings, aiohttp_server: Callable[..., Any]) -> Hub:
    app = create_app(settings)
    server = await aiohttp_server(app)
    # Ready as a served hub is (/readyz): the process's warm-up (once per test process) has finished.
    assert await asyncio.to_thread(warm_up.wait, 300), "the warm-up did not finish"
    return Hub(server, app, settings)


async def make_agent(db: Database, email: str = "agent@example.test", role: str = "agent") -> Agent:
    async with db.write() as uow:
        return await create_agent(
            uow.session, email=email, display_name=email.split("@")[0], role=role, password=PASSWORD
        )


async def make_token(db: Database, role: str = "admin") -> str:
    async with db.write() as uow:
        return await create_token(uow.session, role=role, name=f"test-{role}")


async def make_session(db: Database, agent: Agent) -> str:
    from datetime import timedelta

    async with db.write() as uow:
        token, _ = await create_session(uow.session, agent, timedelta(hours=1))
    return token


@pytest.fixture
async def admin_token(db: Database) -> str:
    return await make_token(db, "admin")


@pytest.fixture
def fake_twilio() -> FakeTwilio:
    return FakeTwilio()


@pytest.fixture
async def twilio_hub(settings: Settings, fake_twilio: FakeTwilio, aiohttp_server: Callable[..., Any]) -> Hub:
    """A hub whose public URL is its own address, so Twilio's status callbacks come back to it."""
    api: TestServer = await aiohttp_server(fake_twilio.app())
    api_base = str(api.make_url("")).rstrip("/")
    fake_twilio.redirect_to = "http://localhost:9/evil/"
    # The public URL names the port before the server binds it, so another test (another xdist worker) may take
    # that port in between: then choose again.
    for attempt in range(10):
        port = free_port()
        hub_settings = dataclasses.replace(settings, public_url=f"http://127.0.0.1:{port}").with_channel(
            "twilio", config(api_base, f"127.0.0.1:{api.port}")
        )
        app = create_app(hub_settings)
        try:
            server = await aiohttp_server(app, port=port)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE or attempt == 9:
                raise
            continue
        return Hub(server, app, hub_settings)
    raise AssertionError("unreachable")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """A headless Chromium for the browser tests (tests/browser_kit.py)."""
    async for b in launched():
        yield b
