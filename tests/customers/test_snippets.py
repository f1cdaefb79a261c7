"""A search hit's snippet: the window around the first word found, every word the engines matched in <mark>."""

from __future__ import annotations

from hub.customers.search_query import query_terms, snippet


def test_english_words_are_marked_by_their_stem_and_the_word_being_typed() -> None:
    text = "I asked for my refunds twice and they REFUNDED nothing; the refund policy says 7 days"
    assert snippet(text, query_terms("refunding")) == (
        "I asked for my <mark>refunds</mark> twice and they <mark>REFUNDED</mark> nothing; the <mark>refund</mark> "
        "policy says 7 days"
    )
    assert "<mark>delivery</mark>" in snippet("Where is my delivery?", query_terms("deliv"))
    assert snippet("happiness is happy, unhappy", query_terms("happy")).count("<mark>") == 2  # not inside a word
    # The engines stem as Snowball does ("customs" and "customers" alike): what they found is what is marked, even
    # where the knowledge index keeps the two apart.
    assert "<mark>customers</mark>" in snippet("our customers pay no duty", query_terms("customs"))


def test_chinese_words_are_marked_where_they_stand_and_the_window_follows_the_first() -> None:
    text = "您好，" + "我们" * 100 + "申请退款什么时候到账？refund" + "。" * 100
    shown = snippet(text, query_terms("退款 refund"), width=40)
    assert shown.startswith("…") and shown.endswith("…")
    assert "申请<mark>退款</mark>什么时候到账？<mark>refund</mark>" in shown
    assert "<mark>退款</mark>" in snippet("退款退款", ["退款"]) and snippet("退款退款", ["退款"]).count("<mark>") == 2


def test_text_is_escaped_and_nothing_found_shows_the_start() -> None:
    assert snippet("password reset does not work <b>", query_terms("password")) == (
        "<mark>password</mark> reset does not work &lt;b&gt;"
    )
    assert snippet("no match <i>here</i>", ["zebra"]) == "no match &lt;i&gt;here&lt;/i&gt;"
    assert snippet("", ["zebra"]) == ""
