"""What kind of answer a question asks for (an amount, a time, a reason), and which kinds an article gives.

A near miss often names an article's subject and asks for a kind of answer the article never gives: "how
much is a repair once the warranty has run out" (the warranty article gives a period, no price), "when do
you send out new coupons" (the coupon article gives no date or time), "why does my tracking number show
someone else's name" (the tracking article explains where to find it, not why anything goes wrong). An
article gives an amount when its answer holds a number that is not a time or a step, a time when it holds
a duration, a clock time or "next morning", a reason when its phrasings ask why or report trouble (an
article about a fault explains it). The confidence weighs a question whose asked kind the article does not
give (hub/knowledge/confidence.py: ``kind_unmet``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from hub.knowledge.terms import asking_sentences

AMOUNT, TIME, REASON = "amount", "time", "reason"

# Asked in a sentence that asks. "how many days" asks a time, not an amount.
_ASKS_TIME = re.compile(
    r"\bhow (long|soon)\b|^\W*when\b|\bwhen (will|do|does|did|is|are|can|could|should|would)\b|\buntil when\b"
    r"|\bwhat time\b|\bhow many (minutes|hours|days|weeks|months|years)\b"
    r"|多久|多长时间|什么时候|啥时候|几点|几天|何时|哪天|多少(分钟|小时|天|个工作日|年|个月)"
)
_ASKS_AMOUNT = re.compile(r"\bhow (much|many)\b|\bwhat does (it|that|this) cost\b|多少|几块|几元|什么价")
_DURATION = re.compile(r"\bhow many (minutes|hours|days|weeks|months|years)\b|多少(分钟|小时|天|个工作日|年|个月)")
_ASKS_REASON = re.compile(r"\bwhy\b|\bhow come\b|为什么|为啥|怎么回事|咋回事|什么原因")

_TIME_UNIT = re.compile(
    r"(minute|min|hour|hr|day|week|month|year|business|working|分钟|小时|天|周|个月|月|年|个工作日|工作日|日|:|点)"
)
# A number and what follows it; list markers ("1. Open the page") are steps, not figures.
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.:])(\d[\d,.]*)(?:\s*-\s*\d[\d,.:]*)?\s*-?\s*([a-z]+|[\u4e00-\u9fff:]{1,4})?", re.I
)
_STEP = re.compile(r"^\s*\d+[.)、]\s", re.M)
_TIME_WORDS = re.compile(
    r"\b(next (morning|day)|tomorrow|every day|end of the \w+ (year|month))\b|次日|当天|每天|年底|月底|"
    r"[一二三四五六七八九十两]+(天|小时|分钟|年|个月|周)"
)
_REASON_WORDS = re.compile(r"\bwhy\b|为什么|为啥")


@lru_cache(maxsize=1024)
def asked_kinds(query: str) -> frozenset[str]:
    """The kinds of answer the question's asking sentences ask for (empty: a how, where or whether)."""
    found: set[str] = set()
    for sentence, weight in asking_sentences(query):
        if weight < 1.0:
            continue
        s = sentence.lower()
        if _ASKS_TIME.search(s):
            found.add(TIME)
        if _ASKS_AMOUNT.search(_DURATION.sub(" ", s)):
            found.add(AMOUNT)
        if _ASKS_REASON.search(s):
            found.add(REASON)
    return frozenset(found)


def given_kinds(phrasings: list[str], answer: str, trouble: bool) -> frozenset[str]:
    """The kinds of answer an article gives: ``phrasings`` its title, variants and tags, ``answer`` its
    short answer and body, ``trouble`` whether its phrasings report something wrong."""
    text = _STEP.sub(" ", answer)
    found: set[str] = set()
    for _number, unit in _NUMBER.findall(text):
        if unit and _TIME_UNIT.match(unit.lower()):
            found.add(TIME)
        else:
            found.add(AMOUNT)
    if _TIME_WORDS.search(text.lower()) or any(_TIME_WORDS.search(p.lower()) for p in phrasings):
        found.add(TIME)
    if trouble or any(_REASON_WORDS.search(p.lower()) for p in phrasings):
        found.add(REASON)
    return frozenset(found)
