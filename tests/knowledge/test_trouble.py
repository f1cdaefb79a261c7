"""Whether a question or an article's phrasings report something wrong, and what the confidence does with it."""

from __future__ import annotations

import pytest

from bench.knowledge_eval import ARTICLES, sample_index
from hub.knowledge.index import IndexedArticle, SuggestionIndex
from hub.knowledge.text import guess_locale
from hub.knowledge.trouble import reports_trouble, unwanted


@pytest.fixture(scope="module")
def index() -> SuggestionIndex:
    return sample_index()


def test_negations_and_faults_report_trouble_in_both_languages() -> None:
    for text in (
        "my invoice shows the wrong company name",
        "the tracking number doesn't work on the courier website",
        "payment wont go through",
        "the vase arrived smashed",
        "发票抬头开错了",
        "运单号在快递官网查不到",
        "收到货是碎的",
        "账号被冻结了",
    ):
        assert reports_trouble(text), text
    for text in ("Get an invoice for your order", "how do I track my parcel", "怎么开发票", "Track your delivery"):
        assert not reports_trouble(text), text


def test_a_chinese_question_asking_with_a_negation_reports_nothing_wrong() -> None:
    # 能不能, 有没有, 可不可以 ask "can you", "do you have": nothing has gone wrong.
    for text in ("能不能开发票", "有没有人工客服", "可不可以寄到香港", "是不是要先登录"):
        assert not reports_trouble(text), text
    assert reports_trouble("能不能帮我看看为什么付不了款")  # the fault still counts


def test_articles_know_whether_their_phrasings_report_trouble() -> None:
    declined = IndexedArticle.build(1, "en", "Payment failed", ["my card was declined"], ["payment"])
    invoice = IndexedArticle.build(2, "en", "Get an invoice", ["company invoice"], ["invoice"])
    assert declined.trouble and not invoice.trouble


def _signals(index: SuggestionIndex, question: str, key: str) -> tuple[bool, bool]:
    article = next(i for i, a in enumerate(ARTICLES) if a["key"] == key and a["locale"] == guess_locale(question))
    found = {a: f for f, a in index.explain(question, guess_locale(question), limit=5)}
    return found[article].trouble_apart, found[article].trouble_shared


def test_the_confidence_sees_trouble_reported_to_an_article_about_none(index: SuggestionIndex) -> None:
    assert _signals(index, "my invoice shows the wrong company name", "invoice") == (True, False)
    assert _signals(index, "my card keeps getting declined", "payment_failed") == (False, True)
    assert _signals(index, "how do I get an invoice", "invoice") == (False, False)


def test_not_wanting_something_is_not_trouble_but_its_own_signal() -> None:
    for text in (
        "don't like it, can i just send it back?",
        "changed my mind, dont want the order anymore",
        "不想要了，取消",
    ):
        assert unwanted(text) and not reports_trouble(text, wanting=False), text
    assert reports_trouble("don't like it", wanting=True)  # an article's phrasings: the customer's situation
    assert not reports_trouble("不喜欢能退不", wanting=False)  # and 能…不 asks "can I?"
    assert reports_trouble("I don't want it, it arrived broken", wanting=False)  # the fault still counts
    assert not unwanted("my card doesn't work") and not unwanted("how do I return an item")


def test_the_confidence_sees_an_unwanted_thing_asked_of_an_article_about_giving_back(index: SuggestionIndex) -> None:
    refund = next(i for i, a in enumerate(ARTICLES) if a["key"] == "refund" and a["locale"] == "en")
    found = {a: f for f, a in index.explain("I don't want it anymore, how do I get my money back", "en", limit=5)}
    assert found[refund].unwanted and not found[refund].trouble_apart
    assert index._articles[refund].gives_back
    assert not any(a.gives_back for a in index._articles.values() if ARTICLES[a.article_id]["key"] == "tracking")
