"""A long text's search words (a big mail's) are cut in a thread before its contact is written, then used by
its message row: found like any other, nothing left behind."""

from __future__ import annotations

import asyncio

from hub.customers.search_query import index_words
from hub.db.engine import Database
from hub.tickets import search as ticket_search
from tests.conftest import Hub, make_token
from tests.tickets.test_search import ingest, search


async def test_long_messages_are_found_by_a_word_near_their_end(hub: Hub, db: Database) -> None:
    token = await make_token(db, "agent")
    story = "我上个月在你们店里买了一台洗衣机，" * 600 + "现在想问一下发票抬头能不能改成公司名称。" + " done"
    assert len(story) >= ticket_search.LONG_TEXT
    # Several at once (the batch path) and one alone (the one-by-one path).
    texts = [f"{story} ref{n}" for n in range(1, 4)]
    many = await asyncio.gather(*(ingest(hub, n, text) for n, text in enumerate(texts, 1)))
    loud = "Dear support, " + "the washing machine is loud. " * 400 + "zebrafish"
    alone = await ingest(hub, 9, loud)
    assert sorted(h["id"] for h in await search(hub, token, "q=发票抬头")) == sorted(many)
    assert [h["id"] for h in await search(hub, token, "q=zebrafish")] == [alone]
    assert not {*texts, loud} & ticket_search._PREPARED.keys()  # nothing of theirs kept
    # A duplicate (a mail server's retry) writes no row: its prepared words are dropped all the same.
    again = await ingest(hub, 9, loud)
    assert again == alone and loud not in ticket_search._PREPARED


async def test_prepared_words_are_the_words_and_are_taken_once() -> None:
    text = "退款" * 5000
    await ticket_search.prepare_words(text)
    row = ticket_search.message_row(1, 1, text)
    assert row["words"] == index_words(text) and text not in ticket_search._PREPARED
    for n in range(ticket_search._PREPARED_MAX + 5):  # texts never written do not pile up
        await ticket_search.prepare_words(f"{n} " + "x" * ticket_search.LONG_TEXT)
    assert len(ticket_search._PREPARED) == ticket_search._PREPARED_MAX
    ticket_search._PREPARED.clear()
