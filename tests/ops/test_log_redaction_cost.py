"""Masking costs less and masks the same: each pattern runs only when the text could hold what it masks, and the
access log masks each part of its line once per distinct text, not the whole line twice per request."""

from __future__ import annotations

import io
import logging

import aiohttp
import pytest
from aiohttp import web

from hub.ops import log_redaction, logs
from hub.ops.log_redaction import CLEAN, RedactingFilter, RedactingFormatter, hide_credentials, redact
from tests.processes import free_port

PLAIN = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # as `hub` configures it
PARTS = [
    "Li.Na@Example.CN", "李娜@例子.中国", "li.na%40example.cn", "wang＠example.com", "+86 138 0013 8000",
    "＋86 138 0013 8000", "138-0013-8000", "(415) 555-0100", "１３８００１３８０００", "13800138000",
    "postgresql://hub:s3cret@db/hub", "redis://:pw@cache:6379/0", "[parameters: ('李娜', 'li@x.cn')]",
    "2026-12-04 23:06:38,123", "[04/Dec/2026:23:06:38 +0000]", "order A1029", "took 12.5 ms", "127.0.0.1:8080",
    "GET /healthz HTTP/1.1", "+", "@", "://", "%40", "", "200 237",
]  # fmt: skip


def unguarded(text: str) -> str:
    """What redact did before it looked for a pattern's telltale first: every pattern over every text."""
    text = log_redaction._SQL_PARAMETERS.sub("[parameters: hidden]", text)
    text = hide_credentials(text)
    text = log_redaction._EMAIL.sub(lambda m: f"{m.group(1)}…@…", text)
    text = log_redaction._PHONE.sub(lambda m: f"+…{m.group(1)}", text)
    return log_redaction._mask_phones(text)


@pytest.mark.parametrize("joiner", [" ", "", "\n", " | "])
def test_guarded_patterns_mask_exactly_what_every_pattern_did(joiner: str) -> None:
    texts = [a + joiner + b for a in PARTS for b in PARTS] + PARTS
    for text in texts:
        assert redact(text) == unguarded(text), text


async def test_the_access_log_masks_each_part_once_and_marks_its_records() -> None:
    out, records = io.StringIO(), []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = logging.StreamHandler(out)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(RedactingFormatter(logging.Formatter(PLAIN)))
    access = logging.getLogger("test.access.cost")
    access.setLevel(logging.INFO)
    access.propagate = False
    access.addHandler(handler)
    access.addHandler(Keep())

    async def ok(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/lookup/{who}", ok)
    runner = web.AppRunner(app, access_log_class=logs.MaskingAccessLogger, access_log=access)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    long_path = "/lookup/" + "x" * (logs.ATOM_CACHED_CHARS + 10) + "?email=li.na%40example.cn&limit=5"
    before = logs._clean_cached.cache_info()
    try:
        async with aiohttp.ClientSession() as http:
            for path in ("/lookup/li.na@example.cn?openid=oUpF8u&limit=5",) * 3 + (long_path,):
                headers = {"User-Agent": "probe (+86 138 0013 8000)", "Referer": "https://x.test/?u=13800138000"}
                async with http.get(f"http://127.0.0.1:{port}{path}", headers=headers) as r:
                    assert r.status == 200
    finally:
        await runner.cleanup()
        access.handlers.clear()
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 4 and len(records) == 4
    for line in lines[:3]:
        assert '"GET /lookup/l…@…?openid=***&limit=5 HTTP/1.1" 200' in line, line
    assert "?email=***&limit=5" in lines[3]
    for line in lines:
        assert '"probe (+…00)"' in line and '"https://x.test/?u=***"' in line, line
        for leak in ("li.na", "oUpF8u", "138 0013", "13800138000"):
            assert leak not in line, (leak, line)
    # What a custom format or a JSON formatter could read from the record is masked too, and says so.
    for record in records:
        assert getattr(record, CLEAN) is True
        fields = vars(record)
        assert "li.na" not in fields["first_request_line"] and fields["request_header"]["User-Agent"] == "probe (+…00)"
    after = logs._clean_cached.cache_info()
    # The same request line, User-Agent, Referer and address masked once: the next requests reuse them (the long
    # path is masked each time, never kept).
    assert after.hits - before.hits >= 2 * 4 and after.currsize - before.currsize <= 5
