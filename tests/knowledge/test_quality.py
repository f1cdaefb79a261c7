"""The labelled set: 120 paraphrased questions (60 Chinese, 60 English) against 36 seeded articles."""

from __future__ import annotations

import json
from pathlib import Path

from rapidfuzz import fuzz, process

from hub.knowledge.index import IndexedArticle, SuggestionIndex
from hub.knowledge.text import guess_locale

HERE = Path(__file__).parent
ARTICLES = json.loads(
    (HERE.parent.parent / "config" / "knowledge" / "sample-articles.json").read_text(encoding="utf-8")
)
QUESTIONS = json.loads((HERE / "questions.json").read_text(encoding="utf-8"))


def label(i: int) -> tuple[str, str]:
    return ARTICLES[i]["key"], ARTICLES[i]["locale"]


def brute_force_top3(question: str) -> list[tuple[str, str]]:
    """The baseline: WRatio of the raw question against every title, variant and tag."""
    strings = {}
    for i, a in enumerate(ARTICLES):
        for n, text in enumerate([a["title"], *a["variants"], *a["tags"]]):
            strings[(i, n)] = text
    ranked: list[int] = []
    for _text, _score, (i, _n) in process.extract(question, strings, scorer=fuzz.WRatio, limit=len(strings)):
        if i not in ranked:
            ranked.append(i)
        if len(ranked) == 3:
            break
    return [label(i) for i in ranked]


def test_labelled_set_is_big_enough_and_balanced() -> None:
    assert len(QUESTIONS) >= 120
    assert sum(1 for q in QUESTIONS if q[0] == "zh-CN") == sum(1 for q in QUESTIONS if q[0] == "en")
    keys = {(a["key"], a["locale"]) for a in ARTICLES}
    assert all((key, locale) in keys for locale, key, _ in QUESTIONS)


def test_suggestions_beat_brute_force_and_reach_the_bar() -> None:
    index = SuggestionIndex()
    for i, a in enumerate(ARTICLES):
        index.upsert(IndexedArticle.build(i, a["locale"], a["title"], a["variants"], a["tags"]))
    hit1 = hit3 = brute3 = 0
    for locale, key, question in QUESTIONS:
        assert guess_locale(question) == locale, question
        ranked = [label(h.article_id) for h in index.search(question, locale, limit=3)]
        hit1 += bool(ranked) and ranked[0] == (key, locale)
        hit3 += (key, locale) in ranked
        brute3 += (key, locale) in brute_force_top3(question)
    n = len(QUESTIONS)
    print(f"hit@1={hit1 / n:.3f} hit@3={hit3 / n:.3f} brute_force_hit@3={brute3 / n:.3f}")
    assert hit3 >= brute3, "the index must not lose to brute force"
    assert hit3 / n >= 0.90
    assert hit1 / n >= 0.80
