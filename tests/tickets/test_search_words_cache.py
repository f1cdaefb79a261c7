"""A message's search words are what they were before runs of Chinese characters were segmented once each: the
same words, in the same order, for English, Chinese and mixed texts, cold or from the cache."""

from __future__ import annotations

import random
import re

from hub.customers.search_query import _SAFE, index_words
from hub.knowledge import text as knowledge_text
from hub.knowledge.text import _CJK, _WORD, _jieba, tokens

# Characters of everyday customer texts, so random runs hold real words as well as nonsense.
_HANZI = "订单还没到退款申请什么时候账你好您谢发票抬头写错了能重新开吗会员积分兑换优惠券快递物流信息更新中华人民共和国"
_LATIN = ["where", "is", "it", "refund", "don't", "Order", "42", "café", "ÄÖ", "e-mail", "ok?!", "#7"]
_FIXED = [
    "订单 5 还没到，where is it? #5",
    "您好，申请退款什么时候到账 thanks",
    "中华人民共和国国务院办公厅关于进一步加强和改进申请退款什么时候到账的通知",  # longer than a kept run
    "I can't log in, my password doesn't work",
    "订单12345678还没到！！",
    "",
    "   ",
    "ＡＢＣ全角字母和ｆｕｌｌ ｗｉｄｔｈ",
    "emoji 😀 退款 😀",
]


def _before(text: str) -> tuple[str, ...]:
    """tokens() as it was written before the cache: every run segmented again."""
    out: list[str] = []
    for chunk in re.split(r"([\u3400-\u9fff\uf900-\ufaff]+)", text.lower()):
        if not chunk:
            continue
        if _CJK.match(chunk):
            out.extend(w for w in _jieba().lcut_for_search(chunk) if w.strip())
        else:
            out.extend(_WORD.findall(chunk))
    return tuple(out)


def _index_words_before(text: str) -> str:
    return " ".join(_SAFE.sub(" ", t).strip() for t in _before(text) if _SAFE.sub("", t))


def _sample(rng: random.Random, n: int) -> list[str]:
    texts = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randrange(1, 6)):
            if rng.random() < 0.6:
                parts.append("".join(rng.choice(_HANZI) for _ in range(rng.randrange(1, 40))))
            else:
                parts.append(rng.choice(_LATIN))
            parts.append(rng.choice(["", " ", "，", "。", "? ", "\n"]))
        texts.append("".join(parts))
    return texts


def test_search_words_are_the_same_as_before_cold_and_cached() -> None:
    texts = _FIXED + _sample(random.Random(5), 400)
    knowledge_text._cached_run_words.cache_clear()
    tokens.cache_clear()
    for _ in range(2):  # cold, then every run (and text) from the caches
        for text in texts:
            assert tokens(text) == _before(text), text
            assert index_words(text) == _index_words_before(text), text
        tokens.cache_clear()  # the second round: runs from their cache inside new texts
    assert knowledge_text._cached_run_words.cache_info().hits > 0
    assert index_words("订单 5 还没到，where is it? #5") == "订单 5 还 没到 where is it 5"
    assert tokens("您好，申请退款什么时候到账 thanks") == ("您好", "申请", "退款", "什么", "时候", "到", "账", "thanks")


def test_only_short_runs_are_kept() -> None:
    knowledge_text._cached_run_words.cache_clear()
    long_run = "中华人民共和国国务院办公厅关于进一步加强和改进工作的通知"
    assert len(long_run) > knowledge_text._RUN_CACHED
    assert knowledge_text.run_words(long_run) == _before(long_run)
    assert knowledge_text.run_words("退款") == ("退款",)
    assert knowledge_text._cached_run_words.cache_info().currsize == 1


def test_the_suggestion_terms_reuse_the_runs_the_search_words_segmented() -> None:
    from hub.knowledge.terms import weighted_terms

    text = "您好，申请退款什么时候到账"
    knowledge_text._cached_run_words.cache_clear()
    weighted_terms.cache_clear()
    tokens(text)  # the write path: the message's search words
    misses = knowledge_text._cached_run_words.cache_info().misses
    terms = weighted_terms(text, helpers=False)  # after the ack: the suggestion's terms of the same text
    assert knowledge_text._cached_run_words.cache_info().misses == misses  # not segmented again
    assert {"申请", "退款", "时候"} <= set(terms) and all(w in tokens(text) for w in terms)
