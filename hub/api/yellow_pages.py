"""Who a yellow-pages search finds: by name as written or in pinyin (张伟: "zhang wei", "zhangwei", "zw"),
by topic or skill, by language and by the channels the agent works."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from hub.customers.search import name_words
from hub.db.models import Agent


@lru_cache(maxsize=4096)
def _name_index(name: str) -> tuple[str, ...]:
    """The words a name is found by, as customer search indexes them (pinyin tables load with the first
    Chinese name)."""
    return tuple(w for words in name_words(name) for w in words.lower().split())


def name_matches(name: str, query: str) -> bool:
    """Every word typed starts a word of the name, or the whole query run together does (zhangwei, zw)."""
    terms = query.lower().split()
    if not terms:
        return True
    words = _name_index(name)
    joined = "".join(terms)
    if any(w.startswith(joined) for w in words):
        return True
    return all(any(w.startswith(t) for w in words) for t in terms)


def text_matches(agent: Agent, skills: Mapping[str, int], query: str) -> bool:
    """?q=: the name (pinyin too), or a topic or skill containing the text."""
    text = query.strip().lower()
    if not text:
        return True
    haystack = " ".join([agent.display_name, *map(str, agent.topics or ()), *skills]).lower()
    return text in haystack or name_matches(agent.display_name, text)


def speaks(agent: Agent, language: str) -> bool:
    """zh finds zh-CN and zh-TW speakers; zh-TW only them."""
    langs = {str(x).lower() for x in agent.languages or ()}
    return language.lower() in langs | {x.split("-")[0] for x in langs}
