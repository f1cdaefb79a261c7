"""Suggestions on the labelled sets, per language and per half, and the service thesaurus behind them."""

from __future__ import annotations

import pytest

from bench.knowledge_eval import ARTICLES, FRESH, QUESTIONS, evaluate, sample_index
from hub.knowledge.index import IndexedArticle, SuggestionIndex
from hub.knowledge.text import guess_locale


@pytest.fixture(scope="module")
def index() -> SuggestionIndex:
    return sample_index()


@pytest.mark.parametrize("half", ["tune", "holdout", "fresh"])
def test_every_half_ranks_in_both_languages(index: SuggestionIndex, half: str) -> None:
    questions = FRESH if half == "fresh" else [q for q in QUESTIONS if q["half"] == half]
    figures = evaluate(index, questions)
    # Floors a little under the measured figures (docs/knowledge.md): the fresh set was never tuned on.
    assert figures["hit_at_3_en"] >= 0.9 and figures["hit_at_3_zh-CN"] >= 0.95, figures
    assert figures["hit_at_1"] >= 0.82 and figures["hit_at_3"] >= 0.94, figures


@pytest.mark.parametrize(
    ("question", "key", "locale"),
    [
        ("yo just want my cash back for this thing", "refund", "en"),
        ("got kicked out, says my account is frozen", "locked", "en"),
        ("pls stop spamming me with promo texts", "unsubscribe", "en"),
        ("the lamp was shattered when it arrived", "damaged", "en"),
        ("钱咋还没退回来", "refund", "zh-CN"),
        ("杯子到手就碎了", "damaged", "zh-CN"),
    ],
)
def test_everyday_words_find_the_article(index: SuggestionIndex, question: str, key: str, locale: str) -> None:
    best = index.search(question, guess_locale(question), limit=1)[0]
    assert (ARTICLES[best.article_id]["key"], ARTICLES[best.article_id]["locale"]) == (key, locale)


def test_an_edit_reindexes_that_article_only() -> None:
    question = "can I pay with bitcoin"
    extra = SuggestionIndex()
    for a in ARTICLES[:4]:
        extra.upsert(IndexedArticle.build(len(extra), a["locale"], a["title"], a["variants"], a["tags"]))
    extra.upsert(IndexedArticle.build(99, "en", "Paying with bitcoin", ["Do you accept bitcoin?"], ["bitcoin"]))
    found = extra.search(question, "en", limit=1)
    assert found[0].article_id == 99 and found[0].confident
    extra.remove(99)
    assert all(h.article_id != 99 for h in extra.search(question, "en"))
    assert len(extra) == 4
