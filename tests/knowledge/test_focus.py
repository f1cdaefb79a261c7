"""What the question asks about: whole words weighed by rarity, and how much of them an article covers."""

from __future__ import annotations

import pytest

from bench.knowledge_eval import ARTICLES, sample_index
from hub.knowledge.focus import Coverage, Focus, specificity, units, whether
from hub.knowledge.index import SuggestionIndex
from hub.knowledge.text import guess_locale


@pytest.fixture(scope="module")
def index() -> SuggestionIndex:
    return sample_index()


def _article(key: str, locale: str) -> int:
    return next(i for i, a in enumerate(ARTICLES) if a["key"] == key and a["locale"] == locale)


def _coverage(index: SuggestionIndex, question: str, key: str, locale: str) -> Coverage:
    focus = Focus(units(question, index._fix), index._postings, len(index))
    article = index._articles[_article(key, locale)]
    return focus.covers(article.terms, article.gist_terms)


def _asked(index: SuggestionIndex, question: str, key: str, locale: str) -> tuple[float, float]:
    covered = _coverage(index, question, key, locale)
    return covered.asked, covered.missing


def test_a_word_no_article_has_leaves_the_question_uncovered(index: SuggestionIndex) -> None:
    asked, missing = _asked(index, "do you accept bitcoin payments", "payment_failed", "en")
    answered, none_missing = _asked(index, "my card payment was declined", "payment_failed", "en")
    assert asked < 0.5 < answered and missing > none_missing
    # 支持 is an everyday word: meeting the article through it alone is not covering the question.
    assert _asked(index, "支持比特币吗", "international", "zh-CN")[0] < 0.4
    assert _asked(index, "支持国际快递吗", "international", "zh-CN")[0] > 0.8


def test_questions_on_something_the_base_does_not_cover_get_no_confident_answer(index: SuggestionIndex) -> None:
    for question in ("do you accept bitcoin payments", "can I pay with bitcoin", "能用比特币付款吗", "支持比特币吗"):
        assert not any(h.confident for h in index.search(question, guess_locale(question))), question
    for question, key in (("my card payment was declined", "payment_failed"), ("支持国际快递吗", "international")):
        best = index.search(question, guess_locale(question))[0]
        assert best.confident and ARTICLES[best.article_id]["key"] == key


def test_thesaurus_typo_and_homophone_cover_a_word(index: SuggestionIndex) -> None:
    # "secret" stands for password (thesaurus), "pasword" is a typo, 琐定 a pinyin-keyboard homophone of 锁定.
    assert _asked(index, "forgot my secret", "password", "en")[0] > 0.9
    assert _asked(index, "forgot my pasword", "password", "en")[0] > 0.9
    assert _asked(index, "账号琐定", "locked", "zh-CN")[0] > 0.9


def test_a_compound_is_covered_by_its_share(index: SuggestionIndex) -> None:
    # 付款 in 分期付款 (payment in instalments): the payment article covers half of the word, not all of it.
    [unit] = units("分期付款", index._fix)
    focus = Focus([unit], index._postings, len(index))
    assert 0.3 < focus.covers(index._articles[_article("payment_failed", "zh-CN")].terms).asked < 0.8


def test_everyday_words_say_less_than_specific_ones() -> None:
    assert specificity("支持") < specificity("比特币") == 1.0
    assert specificity("问题") < specificity("发票")
    assert specificity("help") < specificity("bitcoin") == 1.0


def test_a_question_typed_in_pinyin_is_weighed_by_its_syllable_pairs(index: SuggestionIndex) -> None:
    assert [u.term for u in units("wang ji mi ma", index._fix)] == ["py:wangji", "py:jimi", "py:mima"]
    assert _asked(index, "wang ji mi ma zen me ban", "password", "zh-CN")[0] > 0.8
    # 投诉 (complain) is in no article: the pair that stands for it leaves the question uncovered.
    assert _asked(index, "wo xiang tou su kuai di yuan", "tracking", "zh-CN")[0] < 0.7
    assert Focus([], index._postings, len(index)).covers({}) == Coverage(1.0, 0.0, 1.0)


def test_a_question_asks_whether_or_how() -> None:
    for question in (
        "can I pay with PayPal?",
        "Do you ship to Australia",
        "能开专票吗",
        "可以到店自提吗",
        "ke yi fen qi ma",
    ):
        assert whether(question), question
    for question in (
        "How can I get my money back?",
        "where is my parcel",
        "怎么开发票",
        "我的快递到哪了",
        "I want a refund",
    ):
        assert not whether(question), question
    # A long story's sentences around the question do not count: the question asks how.
    assert not whether("I can't find the parcel. Is it lost? Where can I see the tracking?")


def test_what_a_question_wants_of_the_subject_is_its_words_beside_the_gist(index: SuggestionIndex) -> None:
    # Both name the points article's subject; one asks what it covers (when they expire), the other for
    # something it never mentions (giving them to someone else).
    assert _coverage(index, "积分什么时候过期", "points", "zh-CN").rest > 0.9
    assert _coverage(index, "积分能转给别人吗", "points", "zh-CN").rest < 0.5
    assert _coverage(index, "can I turn my points into store credit", "points", "en").rest < 0.5
    # Every word names the gist: nothing beside it to cover.
    assert _coverage(index, "reward points", "points", "en").rest == 1.0
