"""The tenth set's round: one order from the ranking and the confidence, the thesaurus heard in pinyin,
traditional characters read as simplified, and customers kept apart from customs."""

from __future__ import annotations

import pytest

from bench.knowledge_eval import ARTICLES, sample_index
from hub.knowledge.index import ORDERED, IndexedArticle, SuggestionIndex
from hub.knowledge.simplified import simplified
from hub.knowledge.synonyms import SYNONYM_WEIGHT, related
from hub.knowledge.terms import asking_weights, syllables_of, typed_pinyin
from hub.knowledge.text import guess_locale


@pytest.fixture(scope="module")
def index() -> SuggestionIndex:
    return sample_index()


def _keys(index: SuggestionIndex, question: str, limit: int = 5) -> list[str]:
    return [str(ARTICLES[h.article_id]["key"]) for h in index.search(question, guess_locale(question), limit=limit)]


def test_the_shown_order_is_the_mean_of_ranking_and_confidence(index: SuggestionIndex) -> None:
    for question in (
        "my voucher card has a long number, where do I enter it",
        "花多少钱能升钻石",
        "parcel wrong house",
    ):
        hits = index.search(question, guess_locale(question))
        means = [h.confidence + h.score / 100 for h in hits]
        assert means == sorted(means, reverse=True), question
        # The ranking's own order decides which five are looked at; each keeps its confidence.
        ranked = index.explain(question, guess_locale(question))
        assert {a for _f, a in ranked} == {h.article_id for h in hits}


def test_a_shorter_list_is_the_head_of_the_five(index: SuggestionIndex) -> None:
    question = "is it too late to back out of the purchase I made this morning"
    assert ORDERED == 5
    assert _keys(index, question, limit=1) == _keys(index, question)[:1]
    assert _keys(index, question, limit=3) == _keys(index, question)[:3]


def test_a_question_in_pinyin_meets_the_thesaurus_chinese_entries() -> None:
    assert typed_pinyin("bu yao le neng ji hui qu ma") == " bu yao le neng ji hui qu ma "
    assert typed_pinyin("can I send it back") is None and typed_pinyin("寄回去") is None
    assert typed_pinyin("ji hui") is None  # two syllables: too short to tell from English
    postings = sample_index().vocabulary()
    question = "wo xiang ba dong xi ji hui qu"
    offered = related(question, asking_weights(question), postings)[0]
    # 寄回 said in pinyin is the return's concept: its other Chinese members, never its English ones (the
    # question is Chinese) nor the member said, which its pinyin pairs already meet.
    assert offered.get("退货") == SYNONYM_WEIGHT
    assert all(not t.isascii() for t in offered) and "寄回" not in offered


def test_a_pinyin_question_finds_its_chinese_article(index: SuggestionIndex) -> None:
    hits = index.search("yi fu bu he shen neng ji hui qu ma", "zh-CN", limit=3)
    assert (ARTICLES[hits[0].article_id]["key"], ARTICLES[hits[0].article_id]["locale"]) == ("returns", "zh-CN")


def test_customers_are_not_customs(index: SuggestionIndex) -> None:
    # Snowball stems both "custom": every question about customers met the customs-duties article.
    assert "international" not in _keys(index, "what do your best customers get", limit=3)
    assert _keys(index, "who pays customs on a parcel to Canada", limit=1) == ["international"]


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("I want to back out of an order I placed an hour ago", "cancel"),
        ("please purge everything you hold about me and close my account", "delete_account"),
        ("can you deliver to Kuala Lumpur", "international"),
        ("能寄到马来西亚吗", "international"),
        ("the app just vanishes when I open it", "crash"),
        ("钱什么时候到账", "refund"),
        ("the box had only 1 of the 2 lamps I paid for", "missing_item"),
        ("订了两双鞋只到了一双", "missing_item"),
        ("what's the waybill for my order", "tracking"),
        ("下单三天了还没动静", "not_shipped"),
    ],
)
def test_everyday_wording_of_the_round_finds_its_article(index: SuggestionIndex, question: str, key: str) -> None:
    assert _keys(index, question, limit=1) == [key], question


def test_traditional_characters_are_read_as_simplified(index: SuggestionIndex) -> None:
    assert simplified("怎麼註銷帳號") == "怎么注销帐号"
    assert simplified("軟體一直當機") == "软件一直当机"  # Taiwan's word for software, too
    text = "退款多久到账，mixed with English"
    assert simplified(text) is text  # nothing to convert: returned as it is
    assert _keys(index, "白銀會員升黃金要買多少", limit=1) == ["membership"]
    # An article written in traditional characters meets a question in simplified ones, and the other way.
    base = SuggestionIndex()
    base.upsert(IndexedArticle.build(1, "zh-CN", "註銷帳號與刪除資料", ["怎麼註銷帳號"], ["註銷"], "在設定裡註銷"))
    base.upsert(IndexedArticle.build(2, "zh-CN", "修改收貨地址", ["地址寫錯了"], ["地址"], "出貨前可以修改"))
    assert base.search("怎么注销账号", "zh-CN", limit=1)[0].article_id == 1
    assert base.search("地址写错了能改吗", "zh-CN", limit=1)[0].article_id == 2


@pytest.mark.parametrize(
    ("run", "syllables"),
    [
        ("银行卡被拒了", "yin hang ka bei ju le"),  # jieba's 银行卡 is no phrase of pypinyin's: its 银行 is read
        ("昨天买的今天就便宜了", "zuo tian mai de jin tian jiu pian yi le"),  # pypinyin alone cut 就便 and read bian
        ("界面就黑屏退出", "jie mian jiu hei ping tui chu"),  # and 黑屏 as hei bing
        ("发票能寄纸质的吗", "fa piao neng ji zhi zhi de ma"),  # and 质的 as zhi di
        ("申请退款", "shen qing tui kuan"),
    ],
)
def test_chinese_is_read_word_by_word(run: str, syllables: str) -> None:
    assert " ".join(syllables_of(run)) == syllables
