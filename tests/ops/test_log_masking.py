"""Logs never leak: personal data and secrets are masked in every format (plain and JSON), in tracebacks and the
SQL parameters inside them, in the access log's query strings, and in what `hub db upgrade` prints."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import sqlalchemy as sa
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from aiohttp.web_log import AccessLogger
from phonenumbers import PhoneNumberMatcher

from hub.db.urls import shown_url
from hub.ops import log_redaction
from hub.ops.logs import JsonFormatter, MaskingAccessLogger
from tests.processes import HUB, free_port, start_hub

PLAIN = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # as `hub` configures it
PEOPLE = {
    "+86 138 0013 8000": "+…00",
    "138-0013-8000": "+…00",
    "(415) 555-0100": "+…00",
    "0086 138 0013 8000": "+…00",
    "００８６ １３８ ００１３ ８０００": "+…００",
    "１３８００１３８０００": "+…００",
    "+8613800138000": "+…00",
    "010-6552-9988": "+…88",
    "Li.Na@Example.CN": "L…@…",
    "WANG.XM@EXAMPLE.COM": "W…@…",
    "李娜@例子.中国": "李…@…",
    "li.na%40example.cn": "l…@…",
}
SECRET = "s3cret-Pa55"
INNOCENT = "2026-12-02 20:15:00 ticket 12345 took 12.5 ms from 127.0.0.1:8080, version 3.14.2"


@pytest.fixture(params=["plain", "json"])
def captured(request: pytest.FixtureRequest) -> Iterator[io.StringIO]:
    """A real handler on the root logger, formatted as `hub` does for HUB_LOG_FORMAT=text or json."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter() if request.param == "json" else logging.Formatter(PLAIN))
    root = logging.getLogger()
    root.addHandler(handler)
    log_redaction.install()
    try:
        yield out
    finally:
        root.removeHandler(handler)


def test_people_are_masked_in_messages_and_arguments(captured: io.StringIO) -> None:
    log = logging.getLogger("hub.test")
    for written in PEOPLE:
        log.warning("reply to %s failed", written)
    log.warning("plain message naming %s", " and ".join(PEOPLE))
    log.warning(INNOCENT)
    text = captured.getvalue()
    for written in PEOPLE:
        assert written not in text and written.lower() not in text.lower(), written
    for mask in set(PEOPLE.values()):
        assert mask in text
    assert INNOCENT in text  # dates, times, ids, addresses and durations stay readable


def test_a_time_stamp_is_no_number_but_a_number_beside_one_is(monkeypatch: pytest.MonkeyPatch) -> None:
    stamp = '2026-12-03 18:03:15,123 INFO aiohttp.access: 127.0.0.1 "POST /webhooks/twilio/sms HTTP/1.1" 200 213'
    asked: list[str] = []

    def counting(text: str, region: str, **kw: Any) -> PhoneNumberMatcher:
        asked.append(text)
        return PhoneNumberMatcher(text, region, **kw)

    monkeypatch.setattr(log_redaction, "PhoneNumberMatcher", counting)
    assert log_redaction.redact(stamp) == stamp
    assert asked == []  # the log line's own time stamp costs no phonenumbers look-up
    # A date and an hour without minutes after them is no time stamp: phonenumbers still decides (and masks it).
    assert log_redaction.redact("since 2026-12-03 18 hours") == "since +…18 hours"
    assert asked
    assert log_redaction.redact(f"{stamp} from 138-0013-8000 at 2026-12-04 09:30") == (
        f"{stamp} from +…00 at 2026-12-04 09:30"
    )


def test_tracebacks_with_sql_parameters_and_passwords_are_masked(captured: io.StringIO) -> None:
    engine = sa.create_engine("sqlite://")
    table = sa.Table("people", sa.MetaData(), sa.Column("email", sa.String, unique=True), sa.Column("name", sa.String))
    table.metadata.create_all(engine)
    row = {"email": "li.na@example.cn", "name": "Wang Xiaoming (138-0013-8000)"}
    log = logging.getLogger("hub.test")
    with engine.begin() as conn:
        conn.execute(table.insert(), row)
    with engine.begin() as conn, pytest.raises(sa.exc.IntegrityError) as caught:
        conn.execute(table.insert(), row)
    assert "Wang Xiaoming" in str(caught.value)  # what SQLAlchemy would put in the log
    log.error("storing a contact failed", exc_info=caught.value)
    try:
        raise ConnectionError(f"cannot reach postgresql://hub:{SECRET}@db.internal/hub for +86 138 0013 8000")
    except ConnectionError:
        log.exception("database down")
    log.warning("stack", stack_info=True, extra={"who": "li.na@example.cn"})
    text = captured.getvalue()
    assert "IntegrityError" in text and "[parameters: hidden]" in text and "Traceback" in text
    for leak in ("Wang Xiaoming", "li.na@example.cn", "138-0013-8000", "138 0013 8000", SECRET):
        assert leak not in text, leak
    assert "postgresql://hub:***@db.internal/hub" in text


def test_json_lines_stay_json(captured: io.StringIO) -> None:
    logging.getLogger("hub.test").error("mail from %s bounced", "Li.Na@Example.CN", extra={"ticket_id": 7})
    last = captured.getvalue().strip().splitlines()[-1]
    assert "mail from L…@… bounced" in last
    if last.startswith("{"):  # HUB_LOG_FORMAT=json: still one JSON object per line, fields kept
        entry = json.loads(last)
        assert entry["message"] == "mail from L…@… bounced" and entry["ticket_id"] == 7


async def test_access_log_keeps_no_identifying_or_secret_query_value() -> None:
    out = io.StringIO()
    access = logging.getLogger("test.access")
    access.setLevel(logging.INFO)
    access.propagate = False
    access.addHandler(logging.StreamHandler(out))

    async def ok(_request: web.Request) -> web.Response:
        return web.Response(text="success")

    app = web.Application()
    app.router.add_get("/webhooks/wechat/main", ok)
    runner = web.AppRunner(app, access_log_class=MaskingAccessLogger, access_log=access)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        query = (
            "signature=5f1d0a9c&timestamp=1764700000&nonce=381&openid=oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
            "&encrypt_type=aes&msg_signature=9e8d7c&token=tk-123&email=li.na%40example.cn&limit=20"
        )
        referer = "https://shop.example.cn/account?access_token=AT-999&user=oUpF8uMu"
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}/webhooks/wechat/main?{query}"
            async with http.get(url, headers={"Referer": referer}) as r:
                assert r.status == 200
    finally:
        await runner.cleanup()
        access.handlers.clear()
    line = out.getvalue()
    assert "/webhooks/wechat/main?" in line and "limit=20" in line and "timestamp=1764700000" in line
    assert "encrypt_type=aes" in line and "openid=***" in line and "access_token=***" in line
    for leak in ("oUpF8uMu", "5f1d0a9c", "9e8d7c", "tk-123", "li.na", "AT-999"):
        assert leak not in line, leak


def test_hub_db_upgrade_never_prints_a_password(tmp_path: Path) -> None:
    def run(url: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "HUB_DATABASE_URL": url}
        return subprocess.run([*HUB, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=60)

    refused = run(f"postgresql://hub:{SECRET}@127.0.0.1:{free_port()}/hub")  # nothing listens there
    unparsable = run(f"postgresql://hub:{SECRET}@db:notaport/hub")
    wrong_kind = run(f"mysql://hub:{SECRET}@db/hub")
    for result in (refused, unparsable, wrong_kind):
        assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
        assert SECRET not in result.stdout + result.stderr, result.stderr
    assert "hub:***@" in refused.stderr and "hub:***@" in wrong_kind.stderr
    done = run(f"sqlite:///{tmp_path}/up.db")
    assert done.returncode == 0 and "is at the newest schema" in done.stdout
    assert shown_url(f"postgresql+asyncpg://hub:{SECRET}@db/hub") == "postgresql+asyncpg://hub:***@db/hub"


async def test_hub_serve_masks_the_access_log(tmp_path: Path) -> None:
    env = {**os.environ, "HUB_DATABASE_URL": f"sqlite:///{tmp_path}/serve.db", "HUB_HTTP_PORT": str(free_port())}
    upgrade = [*HUB, "db", "upgrade"]
    upgraded = await asyncio.to_thread(subprocess.run, upgrade, env=env, capture_output=True, timeout=60)
    assert upgraded.returncode == 0
    proc, url = await start_hub(env, capture=True)
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{url}/healthz?openid=oUpF8uMuAJO&signature=abc123&limit=5") as r,
        ):
            assert r.status == 200
    finally:
        proc.terminate()
        output, _ = await proc.communicate()
    text = output.decode()
    assert "/healthz?openid=***&signature=***&limit=5" in text, text
    assert "oUpF8uMuAJO" not in text and "abc123" not in text


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_access_line_is_aiohttps_own_line_masked() -> None:
    """MaskingAccessLogger puts the default format's line together itself (for speed): the same text and extra
    fields as aiohttp's own machinery gives for that format (what it still uses for any other format), masked."""
    seen = _Records()
    access = logging.getLogger("test.access.same")
    access.setLevel(logging.INFO)
    access.propagate = False
    access.addHandler(seen)
    fast, general = MaskingAccessLogger(access), MaskingAccessLogger(access, AccessLogger.LOG_FORMAT + " ")
    try:
        for path, headers in [
            ("/webhooks/twilio/sms", {"User-Agent": "TwilioProxy/1.1"}),
            ("/api/v1/tickets?limit=20&q=li.na%40example.cn", {"Referer": "https://x.example/?token=abc"}),
            ("/console/ticket/7?phone=%2B8613800138000", {"User-Agent": "Mozilla/5.0 (iPhone)"}),
        ]:
            request = make_mocked_request("POST", path, headers=headers)
            response = web.Response(text="成功", status=201)
            for logger in (fast, general):
                logger.log(request, response, 0.25)
        assert len(seen.records) == 6
        for ours, theirs in zip(seen.records[::2], seen.records[1::2], strict=True):
            stamp = re.compile(r"\[[^]]*\]")
            assert stamp.sub("[t]", ours.getMessage()) + " " == stamp.sub("[t]", theirs.getMessage())
            for key in ("remote_address", "first_request_line", "response_status", "response_size", "request_header"):
                assert getattr(ours, key) == getattr(theirs, key), key
            started = getattr(ours, "request_start_time")  # noqa: B009  # an extra field: not on LogRecord's type
            assert re.fullmatch(r"\[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\]", started)
            assert getattr(ours, log_redaction.CLEAN) is True
        assert "li.na" not in seen.records[2].getMessage() and "abc" not in seen.records[2].getMessage()
        assert "13800138000" not in seen.records[4].getMessage()
    finally:
        access.handlers.clear()
