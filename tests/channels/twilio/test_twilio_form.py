"""A Twilio webhook's form read in one pass gives what the general form reader gives: the same fields, the same
refusals (bad UTF-8, too many fields, too large), over a real socket, for many generated bodies."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from hub.bodies import read_form
from hub.channels.twilio.form import MAX_FIELDS, read_webhook_form

LIMIT = 64 * 1024
URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = b'--b\r\nContent-Disposition: form-data; name="Body"\r\n\r\nhi\r\n--b--\r\n'


async def general(request: web.Request) -> web.Response:
    form = await read_form(request, LIMIT)
    return web.json_response({"pairs": [[k, str(v)] for k, v in form.items()]})


async def one_pass(request: web.Request) -> web.Response:
    webhook = await read_webhook_form(request, LIMIT)
    # The plain dict is each name's last value, as a dict built from the form's items is.
    assert webhook.fields == {k: str(v) for k, v in webhook.form.items()}
    return web.json_response({"pairs": [[k, v] for k, v in webhook.form.items()]})


def texts(rng: random.Random) -> str:
    """A name or value as Twilio sends them, and some that nobody should: Chinese, emoji, +, =, &, U+FFFD."""
    alphabet = ["a", "Z", "0", " ", "+", "=", "&", "%", "你", "好", "😀", "\ufffd", "é", "-", "."]
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))


def escaped(rng: random.Random, text: str) -> str:
    """Encoded as a form encodes, or with a raw byte escaped that is no UTF-8, or a stray %."""
    out = quote(text, safe=" ").replace(" ", "+") if rng.random() < 0.7 else quote(text, safe="")
    roll = rng.random()
    if roll < 0.08:
        return out + rng.choice(["%FF", "%E4%BD", "%C3", "%80", "%ED%A0%80"])
    if roll < 0.12:
        return out + rng.choice(["%", "%Z9", "%e4%bd%a0", "%EF%BF%BD"])
    return out


def body_of(rng: random.Random) -> bytes:
    pairs = [(escaped(rng, texts(rng)), escaped(rng, texts(rng))) for _ in range(rng.randint(0, 12))]
    if pairs and rng.random() < 0.2:
        pairs.append(pairs[0])  # a repeated name
    parts = [f"{k}={v}" if rng.random() < 0.9 else k for k, v in pairs]
    body = "&".join(parts) + rng.choice(["", "", "&", "&&", "\r\n", " "])
    raw = body.encode("utf-8")
    if rng.random() < 0.04:
        raw += b"&raw=\xff\xfe"  # bytes that are no UTF-8 at all, unescaped
    return raw


async def answer(http: aiohttp.ClientSession, url: str, body: bytes, content_type: str) -> tuple[int, Any]:
    async with http.post(url, data=body, headers={"Content-Type": content_type}) as r:
        return r.status, (await r.json() if r.status == 200 else await r.text())


async def test_the_one_pass_reader_agrees_with_the_general_one(aiohttp_server: Callable[..., Any]) -> None:
    app = web.Application()
    app.router.add_post("/general", general)
    app.router.add_post("/one-pass", one_pass)
    server: TestServer = await aiohttp_server(app)
    rng = random.Random(23)
    bodies = [(body_of(rng), URLENCODED) for _ in range(400)]
    bodies += [
        (b"", URLENCODED),
        (b"Body=%E4%BD%A0%E5%A5%BD&To=%2B15550001111", URLENCODED + "; charset=utf-8"),
        (b"Body=%E4%BD%A0%E5%A5%BD&To=%2B15550001111", URLENCODED + "; charset=UTF-8"),
        (b"Body=%E9", URLENCODED + "; charset=UTF-8"),  # labelled UTF-8 in capitals, bad bytes: 400 all the same
        (b"Body=%E9", URLENCODED + "; charset=latin-1"),  # another charset: read the general way
        ("&".join(["a=1"] * (MAX_FIELDS + 1)).encode(), URLENCODED),  # one field too many: 413
        (("&".join(["a=1"] * (MAX_FIELDS + 1)) + "&b=%FF").encode(), URLENCODED),  # and bad bytes: 400 first
        (b"x" * (LIMIT + 1), URLENCODED),  # too large: 413
        (MULTIPART, "multipart/form-data; boundary=b"),
    ]
    statuses: set[int] = set()
    async with aiohttp.ClientSession() as http:
        for body, content_type in bodies:
            theirs = await answer(http, str(server.make_url("/general")), body, content_type)
            ours = await answer(http, str(server.make_url("/one-pass")), body, content_type)
            assert ours == theirs, body
            statuses.add(ours[0])
    assert statuses == {200, 400, 413}  # the generated bodies reached every answer
