"""The email benchmark (run as bench/email.py): mail over SMTP into a running hub, the event loop watched.

Sizes as real support mail: 80% 2-10 kB, 15% 200 kB, 5% 5 MB; 40% are replies (In-Reply-To an earlier
mail). Senders are separate processes (bench/smtp_sender.py), so the hub's loop shares no GIL with them. The hub answers
250 only after the mail is committed, so "accept" latency is also the time until the ticket is visible
through the API (checked for a sample). Full run: 10,000 mails; --quick: 300. --files: the 200 kB and 5 MB
mails are a short text and HTML with a photo or a PDF (base64), as mail clients send files.
The same mails then go through django-helpdesk's local-directory mailbox (bench/helpdesk_compare.py;
installed from PyPI into var/bench on first use; --no-compare skips it) and the ratios are printed (mails/s, and
CPU per mail, the figure a loaded machine distorts least). Both sides
run at the same durability: every commit synced (the hub's default, and django-helpdesk's SQLite default), or
with --unsafe neither (the hub's "fast", django-helpdesk's SQLite in WAL + NORMAL); the raw copy of each mail is
synced before its 250 either way. The last line is one JSON object with the figures and both sides' settings.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from bench._services import add_unsafe, durability, durability_of
from bench.helpdesk_compare import helpdesk_rate
from hub import keys
from hub.app import EMAIL, create_app
from hub.channels.email.config import Mailbox, email_config
from hub.db.migrate import upgrade
from hub.db.models import Interaction
from hub.settings import load_settings

SENDERS = 4  # sender processes; the machine has 2 cores, and they share them with the hub
ROOT = Path(__file__).resolve().parent.parent


async def send_all(port: int, n: int, files: bool = False) -> list[float]:
    """SENDERS sender processes in parallel; the accept time of every mail (ms)."""
    root = str(ROOT)
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.smtp_sender", str(port), str(n), str(k), str(SENDERS),
            *(["--files"] if files else []),
            stdout=asyncio.subprocess.PIPE, cwd=root,
        )
        for k in range(SENDERS)
    ]  # fmt: skip
    times: list[float] = []
    try:
        for proc in procs:
            out, _ = await proc.communicate()
            if proc.returncode != 0:
                raise RuntimeError(f"an SMTP sender failed (exit {proc.returncode})")
            times.extend(json.loads(out))
    finally:  # one failed (or the run was stopped): the others stop too
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    return times


class StepTimer:
    """The longest single step the event loop ran (any callback or task step): what the hub itself blocks.
    Timer lag (watch_loop) also counts the time the OS gave the CPU to the senders on the same cores."""

    def __init__(self) -> None:
        self.longest_ms = 0.0
        self._original = asyncio.events.Handle._run

    def __enter__(self) -> StepTimer:
        original, timer = self._original, self

        def timed(handle: asyncio.events.Handle) -> None:
            t0 = time.perf_counter()
            original(handle)
            timer.longest_ms = max(timer.longest_ms, (time.perf_counter() - t0) * 1000)

        asyncio.events.Handle._run = timed  # type: ignore[method-assign, assignment]
        return self

    def __exit__(self, *_exc: object) -> None:
        asyncio.events.Handle._run = self._original  # type: ignore[method-assign]


async def watch_loop(lags: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        t0 = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append((time.perf_counter() - t0 - 0.01) * 1000)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


async def run(n: int, workdir: Path, compare: bool, unsafe: bool = False, files: bool = False) -> dict[str, object]:
    db_url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    await asyncio.to_thread(upgrade, db_url)
    ours = await durability(db_url, unsafe)
    base = load_settings(database_url=db_url, database_durability=durability_of(unsafe))
    box = Mailbox("bench", ("support@bench.test",))
    settings = dataclasses.replace(
        base,
        attachments_dir=str(workdir / "files"),
        smtp_port=0,
    ).with_channel(
        "email",
        dataclasses.replace(
            email_config(base), mailboxes=(box,), by_address={box.address: box}, raw_dir=str(workdir / "raw"),
            max_message_bytes=8 * 1024 * 1024,
        ),
    )  # fmt: skip
    app = create_app(settings)
    server = TestServer(app)
    await server.start_server()
    try:  # the app stops (its mail parser's worker process with it) however the run ends
        port = app[EMAIL].smtp.port
        # Warm-up, not timed: the first big mail starts the parser's worker process (about a second).
        warm = b"From: w@example.com\r\nTo: support@bench.test\r\nSubject: warm-up\r\n\r\n" + b"x" * 80 * 2000 + b"\r\n"
        await app[EMAIL].intake.parser.parse(warm)
        lags: list[float] = []
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch_loop(lags, stop))
        t0, cpu0 = time.perf_counter(), hub_cpu()
        with StepTimer() as steps:
            accepted = await send_all(port, n, files)
        elapsed = time.perf_counter() - t0
        stop.set()
        await watcher
        visible = await _visible(server)
        cpu = hub_cpu() - cpu0
    finally:
        await server.close()
    rate = round(n / elapsed, 1)
    theirs = await asyncio.to_thread(helpdesk_rate, n, workdir, durability_of(unsafe), files) if compare else None
    return {
        "bench": "email",
        **ours,
        "emails": n,
        "files": files,
        "emails_per_s": rate,
        "accept_p50_ms": pct(accepted, 0.5),
        "accept_to_ticket_p99_ms": pct(accepted, 0.99),
        "hub_cpu_s": round(cpu, 2),
        "hub_cpu_ms_per_mail": round(cpu * 1000 / n, 2),
        "loop_lag_max_ms": round(max(lags), 1),
        "loop_lag_p99_ms": pct(lags, 0.99),
        "longest_loop_step_ms": round(steps.longest_ms, 1),
        "stored": visible,
        "django_helpdesk_emails_per_s": theirs["emails_per_s"] if theirs else None,
        "django_helpdesk_tickets_and_followups": [theirs["tickets"], theirs["followups"]] if theirs else None,
        "ratio_vs_django_helpdesk": round(rate / theirs["emails_per_s"], 1) if theirs else None,
        # The figure a loaded machine distorts least: their CPU per mail over ours.
        "django_helpdesk_cpu_ms_per_mail": theirs["cpu_ms_per_mail"] if theirs else None,
        "cpu_ratio_vs_django_helpdesk": round(theirs["cpu_ms_per_mail"] * n / 1000 / cpu, 1) if theirs else None,
        "django_helpdesk_durability": {k: v for k, v in theirs.items() if k.startswith("sqlite_")} if theirs else None,
    }


def hub_cpu() -> float:
    """User and system seconds of the hub: this process (its threads) and its live children (the mail parser's
    worker; the senders are separate processes and not counted)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    total = usage.ru_utime + usage.ru_stime
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path("/proc/self/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                fields = Path(f"/proc/{child}/stat").read_text().rpartition(")")[2].split()
            except FileNotFoundError:
                continue  # exited meanwhile
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


async def _visible(server: TestServer) -> int:
    """How many accepted mails are stored: every one must be."""
    query = select(func.count()).select_from(Interaction).where(Interaction.channel == "email")
    async with server.app[keys.DB].read() as s:
        return int(await s.scalar(query) or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-compare", action="store_true", help="skip django-helpdesk (it installs from PyPI)")
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--files", action="store_true", help="the big mails carry their size as files")
    add_unsafe(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        figures = asyncio.run(
            run(300 if args.quick else args.emails, Path(tmp), not args.no_compare, args.unsafe, args.files)
        )
    print(json.dumps(figures))
    sys.exit(0 if figures["stored"] == figures["emails"] else 1)


if __name__ == "__main__":
    main()
