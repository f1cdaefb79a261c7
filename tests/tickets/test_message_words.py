"""A long message's search words are its distinct lines' words: every word it holds is still found (quoted,
repeated or near the end), a repeated line counts once, and a short message's words are what they always were."""

from __future__ import annotations

import random
import re

from hub.customers.search_query import _SAFE, index_words
from hub.db.engine import Database
from hub.knowledge.text import tokens
from hub.tickets.search import LONG_TEXT, distinct_lines, message_words
from tests.conftest import Hub, make_token
from tests.tickets.test_search import ingest, search

_PARTS = ["订单还没到", "申请退款什么时候到账", "发票抬头写错了", "I can't log in", "Order #4411 is late",
          "café", "ＡＢＣ全角", "emoji 😀 退款", "tracking number 88123", "会员积分兑换优惠券", "don't",
          "e-mail me"]  # fmt: skip


def _one_by_one(text: str) -> str:
    """index_words as it was written: each token cleaned on its own."""
    return " ".join(_SAFE.sub(" ", t).strip() for t in tokens(text) if _SAFE.sub("", t))


def _mail(rng: random.Random, lines: int) -> str:
    """A long mail: lines made of parts, some written again, some quoted back ("> ", ">> ") as replies do."""
    out: list[str] = []
    for _ in range(lines):
        if out and rng.random() < 0.5:
            again = rng.choice(out)
            out.append(rng.choice(["> ", ">> ", "", "  ", "\t"]) + (again.upper() if rng.random() < 0.2 else again))
        else:
            out.append(" ".join(rng.choice(_PARTS) for _ in range(rng.randrange(1, 6))) + f" n{rng.randrange(500)}")
    return "\n".join(out)


def test_short_texts_keep_their_words_and_long_ones_every_word() -> None:
    rng = random.Random(23)
    for n in range(200):
        text = _mail(rng, rng.randrange(1, 900))
        words = message_words(text)
        assert index_words(text) == _one_by_one(text)  # the one-pass cleaning gives the same words
        if len(text) < LONG_TEXT:
            assert words == index_words(text), n
        else:
            assert words == index_words(distinct_lines(text)), n
            assert set(words.split()) == set(index_words(text).split()), n  # nothing a search finds is lost


def test_a_repeated_or_quoted_line_counts_once() -> None:
    line = "您好，我的订单有问题。Please help with my order number 8812."
    quoted = [f"> {line}", f">> {line.upper()}  ", f"\t{line}", ""]
    text = "\n".join([*(quoted * (LONG_TEXT // len(line))), "Also: the zebrafish arrived dead."])
    assert len(text) >= LONG_TEXT
    assert distinct_lines(text) == f"{line}\n{line.upper()}\n\nAlso: the zebrafish arrived dead."
    words = message_words(text).split()
    assert words.count("8812") == 2 and words.count("订单") == 2 and "zebrafish" in words  # as written, in capitals
    # Lines that differ by a word are both kept.
    other = text + "\n" + line.replace("8812", "8813")
    assert message_words(other).split().count("8813") == 1


async def test_words_on_repeated_quoted_lines_and_after_them_are_found(hub: Hub, db: Database) -> None:
    token = await make_token(db, "agent")
    history = "\n".join(f"> 在 2026-12-0{d}，客服 写道：您的发票抬头已经改好了，单号 ZX{d}0021。" for d in range(1, 4))
    thread = "\n".join(["发票还是不对，请再看一下。", *([history] * 200), "kingfisher 88123"])
    assert len(thread) >= LONG_TEXT and len(distinct_lines(thread)) < len(thread) // 50
    ticket = await ingest(hub, 1, thread)
    other = await ingest(hub, 2, "我的发票抬头写错了")
    for query in ("q=ZX20021", "q=kingfisher", "q=88123", "q=客服"):
        assert [h["id"] for h in await search(hub, token, query)] == [ticket], query
    assert sorted(h["id"] for h in await search(hub, token, "q=发票抬头")) == sorted([ticket, other])
    found = await search(hub, token, "q=ZX30021")
    assert re.search(r"<mark>zx30021</mark>", found[0]["snippet"], re.IGNORECASE)
