"""The `hub` command as a user runs it: db upgrade, agent add, token create, serve, and the done-when flow."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.processes import HUB, free_port, start_hub, stop
from tests.sockets import visitor


def run_hub(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HUB, *args], env=env, input=stdin, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "HUB_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db", "HUB_HTTP_PORT": str(free_port())}


@pytest.fixture
async def served(env: dict[str, str]) -> AsyncIterator[str]:
    assert run_hub("db", "upgrade", env=env).returncode == 0
    proc, url = await start_hub(env, capture=True)
    try:
        yield url
    finally:
        output = await stop(proc)
        assert proc.returncode == 0, output.decode()  # a clean exit on SIGTERM, not the kill after a hang


async def test_done_when_serve_chat_api_reply(served: str, env: dict[str, str]) -> None:
    created = run_hub("token", "create", "--role", "admin", env=env)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("hub_")
    headers = {"Authorization": f"Bearer {token}"}

    guest = await visitor(served)
    await guest.next("session")
    text = f"where is my parcel {uuid.uuid4().hex}"
    ack = await guest.call("message", {"text": text})
    assert ack["ok"] is True

    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.get(f"{served}/api/v1/tickets") as r:
            tickets = (await r.json())["tickets"]
        [ticket] = [t for t in tickets if t["id"] == ack["ticket_id"]]
        assert text in ticket["subject"]
        async with http.get(f"{served}/api/v1/tickets/{ticket['id']}") as r:
            assert [i["text"] for i in (await r.json())["interactions"]] == [text]
        async with http.get(f"{served}/api/v1/customers/{ticket['customer_id']}") as r:
            history = (await r.json())["history"]
        assert any(h["summary"] == text and h["kind"] == "contact.inbound" for h in history)
        async with http.post(f"{served}/api/v1/tickets/{ticket['id']}/replies", json={"text": "on its way"}) as r:
            assert r.status == 201
    reply = await guest.next("message")
    assert reply["text"] == "on its way"
    await guest.close()


def test_agent_add_and_token_roles(env: dict[str, str]) -> None:
    assert run_hub("db", "upgrade", env=env).returncode == 0
    ok = run_hub(
        "agent",
        "add",
        "--email",
        "Mei@Example.test",
        "--name",
        "梅",
        "--role",
        "supervisor",
        "--password-stdin",
        env=env,
        stdin="a long enough secret\n",
    )
    assert ok.returncode == 0 and "mei@example.test (supervisor)" in ok.stdout
    again = run_hub(
        "agent", "add", "--email", "mei@example.test", "--password-stdin", env=env, stdin="another secret\n"
    )
    assert again.returncode == 1 and "exists already" in again.stderr
    short = run_hub("agent", "add", "--email", "x@example.test", "--password-stdin", env=env, stdin="short\n")
    assert short.returncode == 1 and "8 characters" in short.stderr
    bad_role = run_hub("token", "create", "--role", "emperor", env=env)
    assert bad_role.returncode == 2 and "invalid choice" in bad_role.stderr


def test_bad_configuration_stops_start_up_with_the_key(env: dict[str, str]) -> None:
    result = run_hub("serve", env={**env, "HUB_HTTP_PORT": "not-a-port"})
    assert result.returncode == 2
    assert "HUB_HTTP_PORT='not-a-port': expected an integer port between 1 and 65535" in result.stderr


def test_serve_refuses_a_database_without_schema(env: dict[str, str]) -> None:
    result = run_hub("serve", env=env)
    assert result.returncode == 1 and "run `hub db upgrade`" in result.stderr


def test_db_upgrade_is_idempotent_on_both_databases(database_url: str, env: dict[str, str]) -> None:
    for _ in range(2):
        result = run_hub("db", "upgrade", env={**env, "HUB_DATABASE_URL": database_url})
        assert result.returncode == 0, result.stderr


def test_kb_import_markdown_and_export_round_trip(env: dict[str, str], tmp_path: Path) -> None:
    assert run_hub("db", "upgrade", env=env).returncode == 0
    src = tmp_path / "kb"
    src.mkdir()
    (src / "refund.md").write_text(
        "---\ntitle: 申请退款\nlocale: zh-CN\ntags: [退款]\nvariants: [我要退款, 退款多久到账]\n"
        "short_answer: 审核通过后3-5个工作日原路退回。\n---\n\n进入**我的订单**，点击**申请退款**。\n",
        encoding="utf-8",
    )
    (src / "broken.md").write_text("---\ntitle: Broken\nshort_answer: ''\nlocale: en\n---\nbody\n", encoding="utf-8")
    bad = run_hub("kb", "import", str(src), "--publish", env=env)
    assert bad.returncode == 1 and "broken.md: short_answer" in bad.stderr  # nothing imported
    (src / "broken.md").unlink()
    ok = run_hub("kb", "import", str(src), "--publish", env=env)
    assert ok.returncode == 0 and "imported 1 article(s) and published them" in ok.stdout
    out = tmp_path / "export"
    exported = run_hub("kb", "export", str(out), env=env)
    assert exported.returncode == 0, exported.stderr
    [md] = list(out.glob("*.md"))
    text = md.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: 申请退款\n") and "**申请退款**" in text
