"""A mixed batch (retries, new and known customers, replies, a pending ticket) leaves what one-by-one ingest leaves."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.db.engine import Database
from hub.db.models import Identity, Ticket
from hub.settings import Settings
from hub.tickets.model import Status
from tests.tickets.batch_kit import MailScene, Scene, left_behind, side_by_side, staged


async def test_a_mixed_batch_leaves_the_rows_one_by_one_ingest_leaves(
    db: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    batched, alone = Scene("57"), Scene("68")
    ingestor, writer, heard = await staged(db, settings, batched, alone)
    for scene in (batched, alone):
        async with db.write() as uow:  # we asked the second customer a question
            pending = await uow.session.scalar(select(Ticket).join(Identity, Identity.customer_id == Ticket.customer_id)
                                               .where(Identity.value == scene.phone(2)))  # fmt: skip
            assert pending is not None
            pending.status = Status.PENDING.value
    in_batch, one_by_one, sent = await side_by_side(db, ingestor, writer, batched.batch(), alone.batch())
    inserts = [q for q in sent if q.startswith("INSERT INTO interactions")]  # the INSERTs of contacts the batch ran
    got = await left_behind(db, batched, in_batch, heard)
    expected = await left_behind(db, alone, one_by_one, heard)
    assert got == expected
    # The story itself: a retry answered with what was stored, a new customer's two texts on one new ticket, the
    # pending ticket open again, the reply on its thread's ticket, nothing stored twice.
    results = got["results"]
    assert results[5][2] and results[9][2] and results[9][1] == results[8][1] and not results[8][2]
    assert results[1][0] == results[3][0] == "#-n1" and results[2][4] == Status.OPEN.value
    assert results[6][0] == "#-m0" and len(got["messages"]) == 4 + 8
    assert [e[0] for told in got["events"].values() for e in told].count("TicketCreated") == 4 + 2
    # And the batch was written as one: the known and new customers' contacts in one INSERT (the pending ticket's
    # answer and the repeated message one by one), not stored one by one after a failed batch.
    assert "failed" not in caplog.text and len(inserts) == 3


async def test_known_customers_new_mail_threads_open_their_tickets_in_the_batch(
    db: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    batched, alone = MailScene("71"), MailScene("82")
    ingestor, writer, heard = await staged(db, settings, batched, alone)
    in_batch, one_by_one, sent = await side_by_side(db, ingestor, writer, batched.batch(), alone.batch())
    tickets = [q for q in sent if q.startswith("INSERT INTO tickets")]  # the INSERTs of tickets the batch ran
    got = await left_behind(db, batched, in_batch, heard)
    assert got == await left_behind(db, alone, one_by_one, heard)
    results = got["results"]
    # New threads and the reply naming a stranger's message open tickets; the own-thread reply continues a0's.
    assert [r[0] for r in results] == ["#-a1", "#-a0", "#-b1", "#-c1", "#-c2", "#-d1", "#-e1", "#-f1"]
    assert "failed" not in caplog.text
    # ann's, bob's, dan's, eve's and fay's tickets in one INSERT; cat's two one by one (before: seven, one by one).
    assert len(tickets) == 3
