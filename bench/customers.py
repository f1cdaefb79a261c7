"""Duplicate suggestions at scale: N customers (200k; --stress 1M; --quick 20k) with labelled duplicates.

Customers get Chinese or English names, e-mail addresses and phones. 2% of them have a planted duplicate
written the way people really re-register: the name in pinyin instead of characters (or the other way
round, or given name first), the address with Gmail dots, a +tag or another provider, the number with
another country code. Another 1% are hard negatives: a different person with a homophone name and
nothing else in common. 10,000 lookups (30% of them customers with a planted duplicate) measure the
suggestion latency; every labelled pair measures recall (found at all, found first) and precision
(suggestions scoring 70 or more that are not labelled duplicates). Prints one JSON object last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from hub.bus import EventBus
from hub.customers.duplicates import suggest
from hub.customers.matching import Person, keys
from hub.customers.tables import CustomerKey
from hub.db.engine import Database
from hub.db.migrate import upgrade_async
from hub.db.models import Customer, Identity

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥"
    "玲芬燕彬鹏辉健俊帆雪琳晨宇浩然子轩梓涵一诺欣怡博文思远佳怡雨桐"
)
# Common given names and surnames (40 x 40): popular enough that many customers share a full name.
FIRST = ["James", "Mary", "John", "Linda", "David", "Susan", "Michael", "Karen", "Daniel", "Emma", "Olivia",
         "Liam", "Noah", "Ava", "Sophia", "Lucas", "Mia", "Ethan", "Isabella", "Mason", "Chloe", "Henry",
         "Robert", "Patricia", "William", "Jennifer", "Richard", "Elizabeth", "Joseph", "Barbara", "Thomas",
         "Sarah", "Charles", "Jessica", "Matthew", "Nancy", "Anthony", "Lisa", "Mark", "Betty"]  # fmt: skip
LAST = ["Smith", "Johnson", "Brown", "Taylor", "Miller", "Wilson", "Moore", "Anderson", "Thomas", "Jackson",
        "White", "Harris", "Martin", "Thompson", "Garcia", "Clark", "Lewis", "Walker", "Hall", "Young",
        "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell",
        "Roberts", "Carter", "Phillips", "Evans", "Turner", "Torres", "Parker", "Collins", "Edwards"]  # fmt: skip
DOMAINS = ["gmail.com", "qq.com", "163.com", "outlook.com", "example.cn", "foxmail.com"]
THRESHOLD = 70


def people(n: int, seed: int = 11) -> tuple[list[Person], list[tuple[int, int]], list[tuple[int, int]]]:
    """(customers, labelled duplicate pairs, hard-negative pairs); ids are 1..n."""
    from pypinyin import lazy_pinyin

    rng = random.Random(seed)
    out: list[Person] = []
    pairs, negatives = [], []

    used: set[str] = set()

    def add(name: str, emails: tuple[str, ...], phones: tuple[str, ...]) -> int:
        fresh = []
        for address in emails:  # an address belongs to one customer: a random clash gets a suffix
            while address.lower() in used:
                address = address.replace("@", "0@", 1)
            used.add(address.lower())
            fresh.append(address)
        out.append(Person(len(out) + 1, name, tuple(fresh), phones))
        return len(out)

    while len(out) < n:
        i = len(out)
        if rng.random() < 0.6:
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            syllables = lazy_pinyin(name)
            latin = f"{syllables[0].title()} {''.join(syllables[1:]).title()}"
            local = "".join(syllables[1:]) + "." + syllables[0] + str(rng.randrange(1000))
        else:
            name = latin = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            local = latin.lower().replace(" ", ".") + str(rng.randrange(10000))
        domain = rng.choice(DOMAINS)
        phone = f"+86138{i:08d}"
        me = add(name, (f"{local}@{domain}",), (phone,))
        roll = rng.random()
        if roll < 0.02 and len(out) < n:
            # The same person again, written another way, with at least one address or number that is theirs.
            other_name = latin if name != latin else name.split()[-1] + " " + name.split()[0]
            variant = rng.choice(("gmail", "tag", "provider", "phone"))
            emails: tuple[str, ...] = ()
            phones: tuple[str, ...] = ()
            if variant == "gmail":
                emails = (f"{local.replace('.', '')}@gmail.com",) if domain == "gmail.com" else (f"{local}+x@{domain}",)
            elif variant == "tag":
                emails = (f"{local.upper()}+shop@{domain}",)
            elif variant == "provider":
                emails = (f"{local}@{rng.choice([d for d in DOMAINS if d != domain])}",)
            else:
                phones = (f"+852{phone[-8:]}",)  # the same handset digits under another country code
            pairs.append((me, add(other_name, emails, phones)))
        elif roll < 0.03 and len(out) < n and name != latin:
            # A homophone (same pinyin, other characters) with nothing else in common: not the same person.
            twin = name[0] + "".join(rng.choice(GIVEN) for _ in range(len(name) - 1))
            elsewhere = f"+86137{(i * 7919) % 10**8:08d}"  # no digits in common with the first one's number
            negatives.append((me, add(twin, (f"other{i}@{rng.choice(DOMAINS)}",), (elsewhere,))))
    return out, pairs, negatives


async def load(db: Database, crowd: list[Person]) -> None:
    async with db.write() as uow:
        s = uow.session
        for start in range(0, len(crowd), 5000):
            chunk = crowd[start : start + 5000]
            await s.execute(insert(Customer), [{"id": p.id, "display_name": p.name, "tier": "general",
                                                "attributes": {}} for p in chunk])  # fmt: skip
            ids = [{"customer_id": p.id, "kind": "email", "value": e} for p in chunk for e in p.emails]
            ids += [{"customer_id": p.id, "kind": "phone", "value": v} for p in chunk for v in p.phones]
            await s.execute(insert(Identity), ids)
            rows = [{"customer_id": p.id, "key": k, "weight": w} for p in chunk for k, w in keys(p).items()]
            await s.execute(insert(CustomerKey), rows)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


async def run(n: int, lookups: int, url: str) -> dict[str, Any]:
    await upgrade_async(url)
    crowd, pairs, negatives = people(n)
    db = Database(url, EventBus())
    db.start()
    try:
        t0 = time.perf_counter()
        await load(db, crowd)
        loaded_s = time.perf_counter() - t0
        rng = random.Random(5)
        fuzzy = [a for a, _ in pairs]
        targets = [rng.choice(fuzzy) if rng.random() < 0.3 else rng.randrange(1, n + 1) for _ in range(lookups)]
        latencies = []
        for customer_id in targets:
            t = time.perf_counter()
            await suggest(db, customer_id)
            latencies.append((time.perf_counter() - t) * 1000)
        duplicates = {frozenset(p) for p in pairs}
        found = first = false_positives = suggested = 0
        for a, b in pairs:
            matches = await suggest(db, a)
            found += any(m.customer_id == b and m.score >= THRESHOLD for m in matches)
            first += bool(matches) and matches[0].customer_id == b
            for m in matches:
                if m.score >= THRESHOLD:
                    suggested += 1
                    false_positives += frozenset((a, m.customer_id)) not in duplicates
        negatives_flagged = 0
        for a, b in negatives:
            negatives_flagged += any(m.customer_id == b and m.score >= THRESHOLD for m in await suggest(db, a))
    finally:
        await db.dispose()
    return {
        "bench": "customers",
        "customers": n,
        "labelled_pairs": len(pairs),
        "hard_negatives": len(negatives),
        "load_s": round(loaded_s, 1),
        "lookups": lookups,
        "suggest_p50_ms": pct(latencies, 0.5),
        "suggest_p99_ms": pct(latencies, 0.99),
        "recall": round(found / len(pairs), 3),
        "true_duplicate_first": round(first / len(pairs), 3),
        "precision": round((suggested - false_positives) / suggested, 3) if suggested else None,
        "hard_negatives_flagged": negatives_flagged,
        "threshold": THRESHOLD,
        "goal": {"suggest_p99_ms": 5},
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--quick", action="store_true", help="20,000 customers, 1,000 lookups")
    p.add_argument("--stress", action="store_true", help="1,000,000 customers")
    p.add_argument("--customers", type=int, default=200_000)
    p.add_argument("--lookups", type=int, default=10_000)
    args = p.parse_args()
    if args.quick:
        args.customers, args.lookups = 20_000, 1_000
    if args.stress:
        args.customers = 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("HUB_DATABASE_URL") or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        result = asyncio.run(run(args.customers, args.lookups, url))
    print(json.dumps(result))
    sys.exit(0)


if __name__ == "__main__":
    main()
