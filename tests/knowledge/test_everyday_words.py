"""Everyday support wording of the ninth set's round: help-desk words, typos of thesaurus words, phrases with
filler between, duration words, colloquial Chinese."""

from __future__ import annotations

import pytest

from bench.knowledge_eval import ARTICLES, sample_index
from hub.knowledge.index import SuggestionIndex
from hub.knowledge.synonyms import SYNONYM_WEIGHT, related, thesaurus_words
from hub.knowledge.terms import weighted_terms
from hub.knowledge.text import guess_locale


@pytest.fixture(scope="module")
def index() -> SuggestionIndex:
    return sample_index()


def _best(index: SuggestionIndex, question: str) -> str:
    return str(ARTICLES[index.search(question, guess_locale(question), limit=1)[0].article_id]["key"])


def test_only_content_words_count_between_a_phrases_words(index: SuggestionIndex) -> None:
    postings = index.vocabulary()
    # "the" is no word between: "call the whole order off" holds "call off" as "call it off" does.
    assert related("please call the whole order off", {}, postings)[0].get("cancel") == SYNONYM_WEIGHT
    assert "cancel" not in related("call my old broken order off", {}, postings)[0]  # three words apart
    assert _best(index, "please call the whole order off") == "cancel"


def test_a_typo_of_a_word_only_the_thesaurus_knows_is_understood(index: SuggestionIndex) -> None:
    # No article says "guarantee"; the thesaurus does (warranty), so its typos are read as it.
    assert "guarante" in thesaurus_words() and "guarante" not in index.vocabulary()
    for question in ("what is the gaurantee period for a blender", "the guarrantee on a kettle"):
        assert _best(index, question) == "warranty", question


def test_how_long_and_time_name_no_article() -> None:
    # "how long does a refund take" made "long" the refund article's word; "too many times" met the hours'.
    terms = weighted_terms("how long do I wait after too many times", query=True)
    assert "long" not in terms and "time" not in terms and "wait" in terms


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("how do I follow my package", "tracking"),
        ("what happens to my personal info when the account is closed", "delete_account"),
        ("how long until I can get in again after too many wrong tries", "locked"),
        ("凌晨发消息有人回复吗", "hours"),
        ("半夜找人工有人回吗", "hours"),
        ("年费会员怎么升到最高一级", "membership"),
        ("付了两遍钱", "double_charge"),
    ],
)
def test_everyday_wording_finds_its_article(index: SuggestionIndex, question: str, key: str) -> None:
    found = [ARTICLES[h.article_id]["key"] for h in index.search(question, guess_locale(question), limit=3)]
    assert key in found[: 1 if key != "locked" else 3], (question, found)
