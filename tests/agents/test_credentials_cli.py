"""`hub token list|revoke|create --expires` and `hub agent deactivate|reactivate|role|password` as an operator
runs them, against a serving hub whose open console sockets must close."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.agents.test_credentials import closed
from tests.app.test_cli import run_hub
from tests.conftest import REDIS_URL
from tests.processes import free_port, start_hub
from tests.sockets import Probe, agent_socket

SECRET = "a long enough secret"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "HUB_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db", "HUB_HTTP_PORT": str(free_port())}
    if REDIS_URL:  # then the hub command tells the serving hub at once, not at its next sweep
        env["HUB_REDIS_URL"] = REDIS_URL
    assert run_hub("db", "upgrade", env=env).returncode == 0
    return env


@pytest.fixture
async def served(env: dict[str, str]) -> AsyncIterator[str]:
    proc, url = await start_hub(env)
    try:
        yield url
    finally:
        proc.terminate()
        await proc.wait()


def hub_ok(*args: str, env: dict[str, str], stdin: str | None = None) -> str:
    done = run_hub(*args, env=env, stdin=stdin)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def sign_in(url: str, email: str, password: str) -> str | None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        r = await http.post(f"{url}/login", data={"email": email, "password": password}, allow_redirects=False)
        return next((c.value for c in http.cookie_jar if c.key == "hub_session"), None) if r.status == 302 else None


def test_tokens_listed_expiring_and_revoked(env: dict[str, str]) -> None:
    lasting = hub_ok("token", "create", "--role", "agent", "--name", "crm sync", env=env).strip()
    brief = hub_ok("token", "create", "--role", "supervisor", "--name", "wall", "--expires", "90d", env=env).strip()
    assert lasting.startswith("hub_") and brief.startswith("hub_")
    listing = hub_ok("token", "list", env=env)
    assert lasting not in listing and brief not in listing  # shown once, at creation only
    [crm] = [line for line in listing.splitlines() if line.endswith("crm sync")]
    [wall] = [line for line in listing.splitlines() if line.endswith("wall")]
    assert " never " in crm and " active " in crm and " never " not in wall
    token_id = crm.split()[0]
    assert hub_ok("token", "revoke", token_id, env=env).strip() == f"token {token_id} (crm sync) revoked"
    assert " revoked " in next(line for line in hub_ok("token", "list", env=env).splitlines() if "crm" in line)
    missing = run_hub("token", "revoke", "424242", env=env)
    assert missing.returncode == 1 and "no API token 424242" in missing.stderr
    bad = run_hub("token", "create", "--role", "agent", "--expires", "soon", env=env)
    assert bad.returncode == 1 and "90d" in bad.stderr


async def test_agent_administration_closes_sockets_in_the_serving_hub(served: str, env: dict[str, str]) -> None:
    hub_ok("agent", "add", "--email", "mei@example.test", "--password-stdin", env=env, stdin=SECRET + "\n")
    session = await sign_in(served, "mei@example.test", SECRET)
    assert session is not None
    probe: Probe = await agent_socket(served, session)

    assert "deactivated" in hub_ok("agent", "deactivate", "--email", "mei@example.test", env=env)
    await probe.next("signed_out", timeout=30)  # Redis: at once; without: the serving hub's next sweep
    await closed(probe)
    assert await sign_in(served, "mei@example.test", SECRET) is None

    assert "reactivated" in hub_ok("agent", "reactivate", "--email", "mei@example.test", env=env)
    assert "is now supervisor" in hub_ok(
        "agent", "role", "--email", "mei@example.test", "--role", "supervisor", env=env
    )
    session = await sign_in(served, "mei@example.test", SECRET)
    assert session is not None
    probe = await agent_socket(served, session)

    changed = hub_ok("agent", "password", "--email", "mei@example.test", "--generate", env=env)
    new_password = changed.strip().rsplit(" ", 1)[-1]
    await closed(probe)
    assert await sign_in(served, "mei@example.test", SECRET) is None
    assert await sign_in(served, "mei@example.test", new_password) is not None
    short = run_hub("agent", "password", "--email", "mei@example.test", "--password-stdin", env=env, stdin="short\n")
    assert short.returncode == 1 and "8 characters" in short.stderr
    nobody = run_hub("agent", "deactivate", "--email", "nobody@example.test", env=env)
    assert nobody.returncode == 1 and "no agent nobody@example.test" in nobody.stderr
