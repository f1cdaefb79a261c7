"""Knowledge suggestions: quality on the labelled set, and index build time, latency and hit@3 at scale.

Quality (hit@1, hit@3, MRR per language, abstain rate, gap precision; tune, hold-out, fresh and fresh2) comes
from bench/knowledge_eval.py over tests/knowledge/eval_set.json and the sample articles. For scale,
articles are generated from a shared vocabulary (half English, half Chinese), so they overlap the way
real FAQ titles do; each query paraphrases one article (a word dropped, order shuffled, filler added)
and that article is the expected answer. Brute force is rapidfuzz WRatio over every title and variant.
Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from the project root

from bench.knowledge_eval import report, sample_index
from bench.knowledge_fit import fit_report
from hub.knowledge.index import IndexedArticle, SuggestionIndex
from hub.knowledge.text import guess_locale, key_terms

EN_VERBS = [
    "reset",
    "change",
    "cancel",
    "track",
    "return",
    "refund",
    "upgrade",
    "update",
    "delete",
    "verify",
    "pay",
    "ship",
    "exchange",
    "activate",
    "renew",
    "transfer",
    "redeem",
    "download",
    "register",
    "unlock",
]
EN_ADJ = [
    "new",
    "old",
    "wrong",
    "missing",
    "damaged",
    "late",
    "broken",
    "expired",
    "duplicate",
    "premium",
    "monthly",
    "annual",
    "gift",
    "business",
    "student",
    "family",
    "international",
    "express",
    "digital",
]
EN_NOUNS = [
    "password",
    "order",
    "parcel",
    "invoice",
    "coupon",
    "account",
    "card",
    "subscription",
    "address",
    "phone",
    "email",
    "refund",
    "voucher",
    "membership",
    "delivery",
    "payment",
    "receipt",
    "warranty",
    "device",
    "battery",
    "screen",
    "charger",
    "cable",
    "laptop",
    "tablet",
    "camera",
    "speaker",
    "headphone",
    "watch",
    "router",
    "printer",
    "ticket",
    "booking",
    "seat",
    "flight",
    "hotel",
    "room",
    "insurance",
    "loan",
    "statement",
    "points",
    "wallet",
]
ZH_VERBS = [
    "重置",
    "修改",
    "取消",
    "查询",
    "退回",
    "退款",
    "升级",
    "更新",
    "删除",
    "验证",
    "支付",
    "发货",
    "更换",
    "激活",
    "续费",
    "转账",
    "兑换",
    "下载",
    "注册",
    "解锁",
]
ZH_ADJ = [
    "新的",
    "旧的",
    "错误",
    "丢失",
    "损坏",
    "延迟",
    "过期",
    "重复",
    "高级",
    "月度",
    "年度",
    "礼品",
    "企业",
    "学生",
    "家庭",
    "国际",
    "加急",
    "电子",
]
ZH_NOUNS = [
    "密码",
    "订单",
    "包裹",
    "发票",
    "优惠券",
    "账号",
    "银行卡",
    "订阅",
    "地址",
    "手机号",
    "邮箱",
    "代金券",
    "会员",
    "快递",
    "付款",
    "收据",
    "保修",
    "设备",
    "电池",
    "屏幕",
    "充电器",
    "数据线",
    "电脑",
    "平板",
    "相机",
    "音箱",
    "耳机",
    "手表",
    "路由器",
    "打印机",
    "门票",
    "预订",
    "座位",
    "航班",
    "酒店",
    "房间",
    "保险",
    "贷款",
    "账单",
    "积分",
    "钱包",
]


def make_article(rng: random.Random, i: int) -> dict[str, Any]:
    zh = i % 2 == 1
    verbs, adjs, nouns = (ZH_VERBS, ZH_ADJ, ZH_NOUNS) if zh else (EN_VERBS, EN_ADJ, EN_NOUNS)
    v, a, n1, n2 = rng.choice(verbs), rng.choice(adjs), rng.choice(nouns), rng.choice(nouns)
    v2, a2 = rng.choice(verbs), rng.choice(adjs)
    join = "".join if zh else " ".join
    # A body of a dozen words from the shared vocabulary: postings as long as real answers make them.
    body = join(rng.choice(pool) for pool in (verbs, nouns, adjs, nouns, verbs, nouns) * 2)
    return {
        "id": i,
        "locale": "zh-CN" if zh else "en",
        "words": [v, a, n1, n2],
        "title": join([v, a, n1, n2]),
        "variants": [join([a, n1, v, n2]), join([v2, n1, a2, n2])],
        "tags": [n1, n2],
        "short": join([v, n1, n2, a2]),
        "body": body,
    }


def paraphrase(rng: random.Random, article: dict[str, Any]) -> str:
    words = list(article["words"])
    words.pop(rng.randrange(1, len(words)))  # keep the verb; lose one of the rest
    rng.shuffle(words)
    if article["locale"] == "zh-CN":
        return "请问" + "".join(words) + "怎么办"
    return "please help, how do I " + " ".join(words)


def brute_top3(query: str, strings: dict[tuple[int, int], str]) -> list[int]:
    ranked: list[int] = []
    for _s, _score, (article_id, _n) in process.extract(query, strings, scorer=fuzz.WRatio, limit=60):
        if article_id not in ranked:
            ranked.append(article_id)
        if len(ranked) == 3:
            break
    return ranked


def run(n: int, queries: int, brute_queries: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    articles = [make_article(rng, i) for i in range(n)]
    index = SuggestionIndex()
    started = time.perf_counter()
    for a in articles:
        index.upsert(
            IndexedArticle.build(a["id"], a["locale"], a["title"], a["variants"], a["tags"], a["short"], a["body"])
        )
    build_s = time.perf_counter() - started
    sample = [rng.choice(articles) for _ in range(queries)]
    latencies, cpu, hits = [], [], 0
    texts = [(a, paraphrase(rng, a)) for a in sample]
    load_before = os.getloadavg()[0]
    for article, q in texts:
        t, c = time.perf_counter(), time.thread_time()
        found = index.search(q, guess_locale(q), limit=3)
        latencies.append((time.perf_counter() - t) * 1000)
        cpu.append((time.thread_time() - c) * 1000)  # other jobs on a shared machine count less here
        hits += article["id"] in [h.article_id for h in found]
    load_after = os.getloadavg()[0]
    strings = {(a["id"], k): s for a in articles for k, s in enumerate([a["title"], *a["variants"]])}
    brute = [(a, q) for a, q in texts[:brute_queries]]
    brute_hits = sum(a["id"] in brute_top3(q, strings) for a, q in brute)
    index_hits_same = sum(
        a["id"] in [h.article_id for h in index.search(q, guess_locale(q), limit=3)] for a, q in brute
    )
    # One edited article: the index updates that article only.
    edits = []
    for a in rng.sample(articles, 200):
        t = time.perf_counter()
        index.upsert(
            IndexedArticle.build(
                a["id"],
                a["locale"],
                a["title"] + (" 新版" if a["locale"] == "zh-CN" else " new"),
                a["variants"],
                a["tags"],
            )
        )
        edits.append((time.perf_counter() - t) * 1000)
    # How many articles contain every meaningful word of a query: above 3, top-3 cannot be certain.
    fillers = {"help", "请问", "怎么办"}
    ambiguity = [
        sum(1 for doc in index._articles.values() if (key_terms(q) - fillers) <= doc.terms.keys())
        for _a, q in texts[:100]
    ]
    latencies.sort()
    cpu.sort()
    return {
        "articles": n,
        "index_build_s": round(build_s, 2),
        "suggest_p50_ms": round(statistics.median(latencies), 2),
        "suggest_p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))], 2),
        "suggest_cpu_p50_ms": round(statistics.median(cpu), 2),
        "suggest_cpu_p99_ms": round(cpu[int(0.99 * (len(cpu) - 1))], 2),
        # Other work on the shared machine stretches both: the 1-minute load before and after the queries.
        "load_average": [round(load_before, 1), round(load_after, 1)],
        "hit_at_3": round(hits / queries, 3),
        "brute_force_hit_at_3": round(brute_hits / len(brute), 3),
        "index_hit_at_3_on_brute_sample": round(index_hits_same / len(brute), 3),
        "update_one_p99_ms": round(sorted(edits)[int(0.99 * (len(edits) - 1))], 2),
        "articles_matching_every_query_word_median": statistics.median(ambiguity),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--quick", action="store_true", help="fewer queries and brute-force comparisons: half a minute")
    p.add_argument("--misses", action="store_true", help="also print the labelled questions answered wrong")
    p.add_argument("--fit", action="store_true", help="refit the confidence model and its held-out threshold, and stop")
    p.add_argument("--fresh3", action="store_true", help="also the third never-tuned set: for final figures only")
    p.add_argument("--fresh4", action="store_true", help="also the fourth never-tuned set: for final figures only")
    p.add_argument("--fresh5", action="store_true", help="also the fifth never-tuned set: for final figures only")
    p.add_argument("--fresh6", action="store_true", help="also the sixth never-tuned set: for final figures only")
    p.add_argument("--fresh7", action="store_true", help="also the seventh never-tuned set: for final figures only")
    p.add_argument("--fresh8", action="store_true", help="also the eighth never-tuned set: for final figures only")
    p.add_argument("--fresh9", action="store_true", help="also the ninth never-tuned set: for final figures only")
    p.add_argument("--fresh10", action="store_true", help="also the tenth never-tuned set: for final figures only")
    p.add_argument("--fresh11", action="store_true", help="also the eleventh never-tuned set: for final figures only")
    p.add_argument("--fresh12", action="store_true", help="also the twelfth never-tuned set: for final figures only")
    p.add_argument("--fresh13", action="store_true", help="also the thirteenth never-tuned set: for final figures only")
    p.add_argument("--fresh14", action="store_true", help="also the fourteenth never-tuned set: for final figures only")
    p.add_argument("--no-scale", action="store_true", help="quality only: skip the latency runs at 10k and 40k")
    args = p.parse_args()
    index = sample_index()
    if args.fit:
        print(json.dumps({"bench": "knowledge-fit", **fit_report(index)}))
        return
    fresh = (
        args.fresh3,
        args.fresh4,
        args.fresh5,
        args.fresh6,
        args.fresh7,
        args.fresh8,
        args.fresh9,
        args.fresh10,
        args.fresh11,
        args.fresh12,
        args.fresh13,
        args.fresh14,
    )
    quality = report(index, *fresh)
    for half, figures in quality.items():
        print(json.dumps({"bench": "knowledge-quality", "half": half, **figures}, ensure_ascii=False))
    if args.misses:
        from bench.knowledge_eval import misses

        print("\n".join(misses(index)))
    if args.no_scale:
        return
    sizes = [(10_000, 300, 20), (40_000, 300, 10)] if args.quick else [(10_000, 2000, 100), (40_000, 2000, 60)]
    runs = [run(n, q, b) for n, q, b in sizes]
    for r in runs:
        print(json.dumps({"bench": "knowledge", **r}, ensure_ascii=False))
    latency = {f"suggest_p99_ms_{r['articles'] // 1000}k": r["suggest_p99_ms"] for r in runs}
    print(json.dumps({"bench": "knowledge", **quality["all"], **latency, "halves": quality, "runs": runs}))


if __name__ == "__main__":
    main()
