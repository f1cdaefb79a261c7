"""`hub serve` imports python-socketio without its clients' libraries, and without redis unless Redis is set."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# In a fresh interpreter: what socketio brought in, and whether what the server uses of it still works.
_PROBE = """
import json, sys
from hub.imports import server_socketio
server_socketio(redis=sys.argv[1] == "redis")
loaded = sorted(m for m in ("redis", "valkey", "requests", "urllib3", "websocket") if m in sys.modules)
import socketio, socketio.async_redis_manager as queue
from hub.agent_console.fanout import DirectEmit, RedisDirectEmit
socketio.AsyncServer(async_mode="aiohttp", client_manager=DirectEmit())
redis_usable = queue.aioredis is not None
if redis_usable:
    RedisDirectEmit("redis://127.0.0.1:1")  # made, not connected: the manager has its client library
import requests  # later imports of a blocked extra work as usual
print(json.dumps({"loaded": loaded, "redis_usable": redis_usable, "requests": requests.__name__}))
"""


def _probe(mode: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, mode],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_without_redis_the_server_imports_none_of_the_clients_libraries() -> None:
    assert _probe("no-redis") == {"loaded": [], "redis_usable": False, "requests": "requests"}


def test_with_redis_configured_its_managers_keep_their_client() -> None:
    said = _probe("redis")
    assert said["redis_usable"] is True and "redis" in said["loaded"]  # type: ignore[operator]
    assert "requests" not in said["loaded"]  # type: ignore[operator]
