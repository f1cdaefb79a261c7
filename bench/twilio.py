"""Twilio SMS webhooks under load: N signed webhooks from C concurrent senders against `hub serve`.

Starts the hub in its own process on a fresh SQLite database (or HUB_DATABASE_URL) with a Twilio number
configured, posts SMS webhooks from N/5 customers (a short conversation each), signed with the auth token
exactly as Twilio signs them (2% are sent twice, as Twilio retries), and measures each request until its
acknowledgement. Afterwards it counts what was
stored: every acknowledged MessageSid must be there once. Full run: 10,000 at 50 concurrent; --quick: 1,000.
With --rate R the load is an open loop instead, as Twilio's is: webhooks leave on a schedule of R a second
whatever the earlier ones are doing, and each ack is timed from its scheduled moment (with 50 closed-loop
senders an ack's time is 50 / throughput by construction).
Durable by default (commits synced); --unsafe shows the cost. Prints one JSON object on its last line, with the
durability settings of the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# Run as `python bench/twilio.py`: the project root first on the import path, and this folder last, so
# that this file does not hide the twilio package it imports.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))
sys.path.remove(str(Path(__file__).resolve().parent))  # the first of the two: where Python put it

import aiohttp
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from bench._services import add_unsafe, database_url, durability, free_port, hub_env, start_hub, stop
from bench.webchat import percentile
from hub.bus import EventBus
from hub.db.engine import Database
from hub.db.migrate import upgrade_async
from hub.db.models import Interaction
from hub.settings import PROJECT_ROOT

SID, TOKEN, NUMBER = "AC" + "b" * 32, "bench-auth-token", "+15550001111"
RETRIED = 0.02
CONVERSATION = 5  # texts per customer on average: a short SMS conversation each


OPEN_LOOP_CONNECTIONS = 1000


def config_file(tmp: Path) -> Path:
    base = (PROJECT_ROOT / "config" / "hub.toml").read_text(encoding="utf-8")
    twilio = (
        f'\n[twilio]\naccount_sid = "{SID}"\nauth_token = "{TOKEN}"\nivr = "{PROJECT_ROOT / "config" / "ivr.toml"}"\n'
        f'[twilio.numbers."{NUMBER}"]\nqueue = "general"\n'
    )
    path = tmp / "hub.toml"
    path.write_text(base.replace("[email]", twilio + "\n[email]", 1), encoding="utf-8")
    return path


# --texts varied: what customers text, put together from parts so that few texts and few runs of Chinese
# characters repeat (the repeated texts say the same two Chinese words every time: a cache of them is all hits).
_OPENERS = ["", "", "你好，", "您好，", "在吗？", "hi, ", "hello, ", "客服你好，"]
_WHEN = ["昨天", "前天", "上周", "三天前", "今天上午", "月初", "刚才", "上个月", "周末", "一周前"]
_ACT = ["买的", "下单的", "寄回的", "退的", "付款的", "换的", "预订的", "续费的", "领的", "申请的"]
_THING = ["耳机", "衣服", "鞋子", "手机壳", "充电器", "会员", "优惠券", "快递", "发票", "退款", "积分", "礼品卡",
          "洗衣液", "台灯", "行李箱", "奶粉", "键盘", "床单", "机票", "水杯"]  # fmt: skip
_STATE = ["还没到", "一直没有消息", "显示已签收但是没收到", "坏了", "少发了一件", "尺码不对", "被扣了两次钱",
          "物流不更新", "退不了", "用不了", "颜色发错了", "包装破了", "到现在还没退回来", "开错了抬头"]  # fmt: skip
_ASK = ["怎么办", "能帮我查一下吗", "什么时候能处理好", "可以退款吗", "麻烦尽快", "请给我回个电话", "能换一个吗",
        "要等多久", "", ""]  # fmt: skip
_ENGLISH = ["where is my order", "the parcel never arrived", "I was charged twice", "can I get a refund",
            "my coupon does not work", "the item is broken", "please call me back", "wrong size, can I swap it",
            "tracking has not moved for days", "cancel my subscription please"]  # fmt: skip
_CLOSERS = ["", "", "谢谢", "谢谢！", "急！", " thanks", "，谢谢你们"]


def sms_text(rng: random.Random, i: int, varied: bool = True) -> str:
    """A customer's SMS: Chinese, English or both, with an order number now and then."""
    if not varied:
        return f"订单 {i} 还没到，where is it? #{i}"
    order = f"订单{rng.randrange(10**7, 10**8)}" if rng.random() < 0.3 else ""
    chinese = (f"{rng.choice(_WHEN)}{rng.choice(_ACT)}{rng.choice(_THING)}{order}{rng.choice(_STATE)}"
               f"{'，' if rng.random() < 0.5 else ''}{rng.choice(_ASK)}")  # fmt: skip
    kind = rng.random()
    if kind < 0.5:
        body = chinese
    elif kind < 0.75:
        body = rng.choice(_ENGLISH) + f" (order {rng.randrange(10**5, 10**6)})"
    else:
        body = f"{chinese} {rng.choice(_ENGLISH)}"
    return rng.choice(_OPENERS) + body + rng.choice(_CLOSERS)


def webhooks(url: str, n: int, seed: int = 7, varied: bool = False) -> list[tuple[str, dict[str, str], str]]:
    """(MessageSid, form, signature), signed before the clock starts."""
    rng, validator = random.Random(seed), RequestValidator(TOKEN)
    texts = random.Random(seed + 1)  # its own stream: the senders are those of the repeated texts
    out = []
    for i in range(n):
        message_sid = f"SM{i:032x}"
        form = {
            "MessageSid": message_sid, "SmsMessageSid": message_sid, "AccountSid": SID, "To": NUMBER,
            "From": f"+86138{rng.randrange(max(1, n // CONVERSATION)):08d}",
            "Body": sms_text(texts, i, varied),
            "NumMedia": "0", "NumSegments": "1", "FromCountry": "CN", "ApiVersion": "2010-04-01",
        }  # fmt: skip
        out.append((message_sid, form, validator.compute_signature(url, form)))
    return out


async def run(
    n: int,
    concurrency: int,
    database_url: str,
    tmp: Path,
    unsafe: bool = False,
    varied: bool = False,
    rate: float | None = None,
) -> dict[str, Any]:
    await upgrade_async(database_url)
    settings = await durability(database_url, unsafe)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "HUB_DATABASE_URL": database_url, "HUB_HTTP_PORT": str(port), "HUB_PUBLIC_URL": base,
           "HUB_CONFIG": str(config_file(tmp)), "HUB_SMTP_PORT": str(free_port()), **hub_env(unsafe)}  # fmt: skip
    url = f"{base}/webhooks/twilio/sms"
    jobs = webhooks(url, n, varied=varied)
    jobs += random.Random(3).sample(jobs, int(n * RETRIED))  # Twilio's retries: the same MessageSid again
    queue: asyncio.Queue[tuple[str, dict[str, str], str]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    acks: list[float] = []
    acked: set[str] = set()
    errors = 0

    async def sender(http: aiohttp.ClientSession) -> None:
        nonlocal errors
        while not queue.empty():
            message_sid, form, signature = queue.get_nowait()
            started = time.perf_counter()
            async with http.post(url, data=form, headers={"X-Twilio-Signature": signature}) as r:
                await r.read()
                if r.status == 200:
                    acks.append((time.perf_counter() - started) * 1000)
                    acked.add(message_sid)
                else:
                    errors += 1

    async def scheduled(http: aiohttp.ClientSession, job: tuple[str, dict[str, str], str], at: float) -> None:
        # Open loop, as Twilio sends: each webhook leaves at its time whatever the earlier ones are doing, and its
        # ack is counted from that time (a send held back by a busy client is the hub's delay too).
        nonlocal errors
        message_sid, form, signature = job
        try:
            async with http.post(url, data=form, headers={"X-Twilio-Signature": signature}) as r:
                await r.read()
                ok = r.status == 200
        except aiohttp.ClientError:
            ok = False
        if ok:
            acks.append((time.perf_counter() - at) * 1000)
            acked.add(message_sid)
        else:
            errors += 1

    async def dispatch(http: aiohttp.ClientSession, start: float) -> None:
        # One sender keeps the schedule and starts each request at its time: thousands of tasks made and put to
        # sleep at once would stall the client's own loop for a third of a second at the start, and that
        # lateness would be counted as the hub's.
        sending: set[asyncio.Task[None]] = set()
        for i in range(queue.qsize()):
            at = start + i / (rate or 1)
            if at > time.perf_counter():
                await asyncio.sleep(at - time.perf_counter())
            task = asyncio.create_task(scheduled(http, queue.get_nowait(), at))
            sending.add(task)
            task.add_done_callback(sending.discard)
        while sending:
            await asyncio.gather(*sending)

    before = _children_cpu()
    proc, _ = await start_hub(env)  # ready before it returns; stopped if it never gets there
    at_ready = _process_cpu(proc.pid)
    try:
        # Open loop: as many connections as the moment needs (Twilio opens more when answers are slow).
        connector = aiohttp.TCPConnector(limit=OPEN_LOOP_CONNECTIONS if rate else concurrency)
        async with aiohttp.ClientSession(connector=connector) as http:
            start = time.perf_counter()
            if rate:
                await dispatch(http, start)
            else:
                await asyncio.gather(*(sender(http) for _ in range(concurrency)))
            elapsed = time.perf_counter() - start
    finally:
        await stop(proc)  # SIGTERM, then its whole process group killed if it does not exit in time
    # The hub's own CPU from ready to exit (its work after the answers included): the figure a shared machine
    # does not distort, unlike requests/s.
    hub_cpu = _children_cpu() - before - at_ready
    db = Database(database_url, EventBus())
    try:
        async with db.read() as s:
            inbound = Interaction.direction == "inbound"
            stored = list(
                await s.scalars(select(Interaction.external_id).where(Interaction.channel == "sms.twilio", inbound))
            )
            rows = await s.scalar(select(func.count()).select_from(Interaction).where(inbound))
            # Lines the hub wrote itself (its replies, system lines such as an SLA's) are not the customers' messages:
            # shown apart, never counted as duplicates.
            counted = await s.execute(
                select(Interaction.direction, func.count()).where(~inbound).group_by(Interaction.direction)
            )
            others = {str(direction): int(n) for direction, n in counted}
    finally:
        await db.dispose()
    return {
        "bench": "twilio_sms",
        "database": database_url.split(":")[0],
        **settings,
        "webhooks": len(jobs),
        "retried": len(jobs) - n,
        "load": f"open loop at {rate:g}/s" if rate else f"closed loop, {concurrency} senders",
        "concurrency": None if rate else concurrency,
        "texts": "varied" if varied else "repeated",
        "requests_per_s": round(len(jobs) / elapsed, 1),
        "ack_p50_ms": round(percentile(acks, 0.50), 1),
        "ack_p99_ms": round(percentile(acks, 0.99), 1),
        "hub_cpu_s": round(hub_cpu, 2),
        "hub_cpu_ms_per_webhook": round(hub_cpu * 1000 / len(jobs), 2),
        "errors": errors,
        "lost": len(acked - set(stored)),
        "duplicates": len(stored) - len(set(stored)) + max(0, (rows or 0) - len(stored)),
        "hub_lines": others,
        "goal": {"requests_per_s": 1000, "ack_p99_ms": 50},
    }


def _children_cpu() -> float:
    """User and system seconds of this process's reaped children (the hub, once stopped)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _process_cpu(pid: int) -> float:
    """User and system seconds a running process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--quick", action="store_true", help="1,000 webhooks: a few seconds")
    p.add_argument("--webhooks", type=int, default=10_000)
    p.add_argument("--concurrency", type=int, default=50)
    p.add_argument(
        "--texts",
        choices=("repeated", "varied"),
        default="repeated",
        help="varied: texts put together from parts, few of them or their Chinese words alike",
    )
    p.add_argument(
        "--rate",
        type=float,
        help="open loop: send this many webhooks a second on schedule (as Twilio does), acks timed from the schedule",
    )
    add_unsafe(p)
    args = p.parse_args()
    if args.quick:
        args.webhooks = 1_000
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(
            run(
                args.webhooks,
                args.concurrency,
                database_url(Path(tmp)),
                Path(tmp),
                args.unsafe,
                args.texts == "varied",
                args.rate,
            )
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
