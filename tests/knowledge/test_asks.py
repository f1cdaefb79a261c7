"""The kind of answer a question asks for (an amount, a time, a reason) against the kinds an article gives."""

from __future__ import annotations

import pytest

from bench.knowledge_eval import ARTICLES, sample_index
from hub.knowledge.asks import AMOUNT, REASON, TIME, asked_kinds, given_kinds
from hub.knowledge.index import IndexedArticle, SuggestionIndex
from hub.knowledge.text import guess_locale


@pytest.fixture(scope="module")
def index() -> SuggestionIndex:
    return sample_index()


def test_questions_ask_for_amounts_times_and_reasons_in_both_languages() -> None:
    assert asked_kinds("how much is a repair once the warranty ran out") == {AMOUNT}
    assert asked_kinds("保修期过了自费维修多少钱") == {AMOUNT}
    assert asked_kinds("how long does a refund take") == {TIME}
    assert asked_kinds("how many days until it arrives") == {TIME}  # a duration, not an amount
    assert asked_kinds("退款要多少天") == {TIME}
    assert asked_kinds("客服几点下班") == {TIME}
    assert asked_kinds("Why is my tracking number showing someone else's name?") == {REASON}
    assert asked_kinds("How much do you charge to deliver, and when is it free?") == {AMOUNT, TIME}
    # "when" joining two clauses asks nothing; how, where and whether ask for no kind of figure.
    assert asked_kinds("I typed the wrong street when ordering, can I fix it?") == frozenset()
    assert asked_kinds("how do I reset my password") == frozenset()
    assert asked_kinds("怎么开发票") == frozenset()


def test_an_article_gives_the_kinds_its_answer_holds() -> None:
    steps = "1. Open the sign-in page.\n2. Follow the link (valid 30 minutes)."
    assert given_kinds(["Reset your password"], steps, False) == {TIME}  # step numbers are not amounts
    assert given_kinds(["运费与包邮规则"], "普通快递满99元包邮，不满收8元。", False) == {AMOUNT}
    assert given_kinds(["退款"], "审核通过后3-5个工作日原路退回。", False) == {TIME}
    assert given_kinds(["Customer service hours"], "Agents answer 9:00-21:00 every day.", False) == {TIME}
    assert given_kinds(["Points"], "Points expire at the end of the following year.", False) == {TIME}
    assert given_kinds(["why was I charged shipping"], "", False) == {REASON}
    assert given_kinds(["my card was declined"], "", True) == {REASON}  # an article about a fault explains it
    assert given_kinds(["Track your delivery"], "Your tracking number is under Orders > Details.", False) == set()


def _article(key: str, locale: str) -> int:
    return next(i for i, a in enumerate(ARTICLES) if a["key"] == key and a["locale"] == locale)


def test_the_confidence_sees_a_kind_of_answer_the_article_does_not_give(index: SuggestionIndex) -> None:
    def kinds(question: str, key: str) -> tuple[bool, bool]:
        found = {a: f for f, a in index.explain(question, guess_locale(question), limit=5)}
        features = found[_article(key, guess_locale(question))]
        return features.kind_unmet, features.kind_met

    assert kinds("保修期过了自费维修多少钱", "warranty") == (True, False)  # a period, no price
    assert kinds("how long does a refund take", "refund") == (False, True)
    assert kinds("how do I track my parcel", "tracking") == (False, False)
    unmet = index.search("保修期过了自费维修多少钱", "zh-CN")[0]
    met = index.search("保修多久", "zh-CN")[0]
    assert unmet.article_id == met.article_id == _article("warranty", "zh-CN")
    assert unmet.confidence < index.threshold <= met.confidence


def test_an_edited_article_gives_what_its_new_answer_holds() -> None:
    index = SuggestionIndex()
    index.upsert(IndexedArticle.build(1, "en", "Repairs", ["how do I get it repaired"], ["repair"], "Send it in."))
    assert index._articles[1].gives == frozenset()
    index.upsert(
        IndexedArticle.build(1, "en", "Repairs", ["how do I get it repaired"], ["repair"], "A repair costs 30.")
    )
    assert index._articles[1].gives == {AMOUNT}
