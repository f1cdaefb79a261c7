"""The bulk DATA reader speaks SMTP exactly: end mark, dot-stuffing, pipelining, size and line limits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.channels.email.smtp_data import MAX_LINE, BulkDataSMTP, has_long_line


class Keep:
    def __init__(self) -> None:
        self.contents: list[bytes] = []

    async def handle_DATA(self, _server: Any, _session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        self.contents.append(envelope.content)
        return "250 stored"


@pytest.fixture
async def server() -> AsyncIterator[tuple[Keep, int]]:
    keep = Keep()
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(
        lambda: BulkDataSMTP(keep, data_size_limit=50_000, decode_data=False, loop=loop), "127.0.0.1", 0
    )
    yield keep, srv.sockets[0].getsockname()[1]
    srv.close()


async def conversation(port: int, script: bytes, replies: int) -> list[bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    got = [await reader.readline()]  # greeting
    writer.write(script)
    await writer.drain()
    for _ in range(replies):
        line = await asyncio.wait_for(reader.readline(), 5)
        while line[3:4] == b"-":  # multi-line EHLO answer
            line = await reader.readline()
        got.append(line)
    writer.close()
    return got


def mail(body: bytes) -> bytes:
    return b"MAIL FROM:<a@example.com>\r\nRCPT TO:<s@hub.test>\r\nDATA\r\n" + body


async def test_messages_pipelined_one_after_another(server: tuple[Keep, int]) -> None:
    keep, port = server
    script = (
        b"EHLO client\r\n"
        + mail(b"Subject: one\r\n\r\nline\r\n..starts with a dot\r\n.\r\n")
        + mail(b".\r\n")  # an empty message
        + mail(b"..dot first line\r\n\r\nbody\r\n.\r\n")
        + mail(b"\r\nno headers\r\n.\r\n")
        + b"QUIT\r\n"
    )
    replies = await conversation(port, script, 1 + 4 * 4 + 1)
    assert [r for r in replies if r.startswith(b"250 stored")] == [b"250 stored\r\n"] * 4
    assert keep.contents == [
        b"Subject: one\r\n\r\nline\r\n.starts with a dot\r\n",
        b"",
        b".dot first line\r\n\r\nbody\r\n",
        b"\r\nno headers\r\n",
    ]
    assert replies[-1].startswith(b"221")


async def test_too_big_and_too_long_are_refused_and_the_session_goes_on(server: tuple[Keep, int]) -> None:
    keep, port = server
    big = b"Subject: big\r\n\r\n" + b"x" * 80 + b"\r\n"
    script = (
        b"HELO client\r\n"
        + mail(big * 1000 + b".\r\n")
        + mail(b"Subject: long\r\n\r\n" + b"y" * 1200 + b"\r\n.\r\n")
        + mail(b"Subject: fine\r\n\r\nok\r\n.\r\n")
        + b"QUIT\r\n"
    )
    replies = await conversation(port, script, 1 + 4 * 3 + 1)
    data_answers = [r for r in replies if r[:3] in (b"552", b"500") or r.startswith(b"250 stored")]
    assert [r[:3] for r in data_answers] == [b"552", b"500", b"250"]
    assert keep.contents == [b"Subject: fine\r\n\r\nok\r\n"]


LINE_LENGTHS = st.sampled_from([0, 1, 80, 499, 500, 501, 998, 999, 1000, 1001, 1002, 1500, 2100])


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    lines=st.lists(st.tuples(LINE_LENGTHS, st.sampled_from([b"\r\n", b"\n", b""])), max_size=12),
    noise=st.binary(max_size=3000),
)
def test_a_long_line_is_found_wherever_it_is(lines: list[tuple[int, bytes]], noise: bytes) -> None:
    data = b"".join(b"x" * length + end for length, end in lines) + noise
    # What the check must answer: a line (to its LF, its CR counted) of MAX_LINE octets or more.
    assert has_long_line(data) == (max(map(len, data.split(b"\n"))) >= MAX_LINE)


async def test_addresses_are_read_as_aiosmtpd_reads_them() -> None:
    ours = BulkDataSMTP(Keep(), loop=asyncio.get_running_loop())
    limited = BulkDataSMTP(Keep(), loop=asyncio.get_running_loop())
    limited.local_part_limit = 8
    args = ["", "<a@example.com>", "<a@example.com> SIZE=1000 BODY=8BITMIME", "a@example.com", " <A.B@Example.COM>",
            "<>", '<"john doe"@example.com>', "<@relay.example:a@example.com>", "<a@[127.0.0.1]>",
            "<用户@例子.公司>", "<<a@example.com>", "<a@example.com", "garbage", "<a b@c>", "@", "<longerthan8@x.y>",
            "a@example.com SIZE=5"]  # fmt: skip
    for arg in args * 2:  # the second time from the cache
        for server in (ours, limited):
            assert server._getaddr(arg) == SMTP._getaddr(server, arg), arg
