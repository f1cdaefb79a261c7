"""What an article answers (the concepts its phrasings repeat), and how much of it a question names."""

from __future__ import annotations

import pytest

from bench.knowledge_eval import ARTICLES, sample_index
from hub.knowledge.gist import gist, named, names_main
from hub.knowledge.index import SuggestionIndex
from hub.knowledge.text import guess_locale


@pytest.fixture(scope="module")
def index() -> SuggestionIndex:
    return sample_index()


def _named(index: SuggestionIndex, question: str, key: str, locale: str) -> float:
    """The `named` signal of the article for the question, as the index computes it for a suggestion shown."""
    article = next(i for i, a in enumerate(ARTICLES) if a["key"] == key and a["locale"] == locale)
    found = {a: f for f, a in index.explain(question, guess_locale(question), limit=5)}
    assert article in found, (question, key)
    return found[article].named


def test_the_gist_is_what_most_phrasings_share() -> None:
    concepts = gist(
        "Reset your password",
        ["I forgot my password", "how do I change my password", "password reset email not received"],
        ["password", "login"],
    )
    weights = {min(c.terms): c.weight for c in concepts}
    # "password" is in five of six phrasings; its thesaurus kin (passcode, 密码) name it too.
    password = next(c for c in concepts if "password" in c.terms)
    assert password.weight == pytest.approx(5 / 6) and "passcod" in password.terms and "密码" in password.terms
    assert weights["email"] == pytest.approx(1 / 6) and password.weight == max(weights.values())
    assert named(concepts, {"password", "forgot"}) == pytest.approx(0.5)  # 5/6 + 1/6 of the weights' 12/6
    assert named(concepts, {"email", "chang", "login"}) < 0.3
    assert named((), {"password"}) == 0.0
    # The main concept is the one most phrasings use: the near miss names three others, never it.
    assert names_main(concepts, {"passcod", "forgot"}) and not names_main(concepts, {"email", "chang", "login"})
    assert not names_main((), {"password"})


def test_a_near_miss_names_less_of_what_the_article_answers(index: SuggestionIndex) -> None:
    # Every word of the near miss is somewhere in the password article, but it asks about an email address:
    # it names the phrasings' passing words (change, email, log in), not the password all of them are about.
    near = _named(index, "How do I change the email I use to log in?", "password", "en")
    assert near < 0.3 and _named(index, "how do I change my password", "password", "en") > near + 0.3
    near = _named(index, "怎么修改登录邮箱", "password", "zh-CN")
    assert near < 0.3 and _named(index, "怎么修改密码", "password", "zh-CN") > near + 0.3


def test_synonyms_typos_and_pinyin_name_the_gist(index: SuggestionIndex) -> None:
    assert _named(index, "how do I get my money back", "refund", "en") > 0.5  # the thesaurus: refund
    assert _named(index, "i forgot my pasword", "password", "en") > 0.5  # the typo fix
    assert _named(index, "mi ma wang le", "password", "zh-CN") > 0.3  # the pinyin of 密码
    assert _named(index, "蜜码忘了", "password", "zh-CN") > 0.3  # a homophone typo, by its pinyin
    zh = gist("重置登录密码", ["忘记密码怎么办", "如何修改密码"], ["密码"])
    assert named(zh, {"py:mima"}) == pytest.approx(0.5) and named(zh, {"密", "码"}) == 0.0  # characters alone do not


def test_near_misses_that_name_an_article_in_passing_get_no_confident_answer(index: SuggestionIndex) -> None:
    # Confident with the title-only signal before the gist (0.34 and 0.30 against a threshold of 0.30).
    for question in ("Can I pause my membership while I'm abroad for three months?", "我想修改之前写的评价"):
        assert not any(h.confident for h in index.search(question, guess_locale(question))), question
    for question in ("how do I change my password", "怎么修改密码"):
        assert index.search(question, guess_locale(question))[0].confident, question
