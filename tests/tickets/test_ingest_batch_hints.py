"""Mail naming a closed, merged, solved or pending ticket, or a stranger's: the batch threads it as one by one does."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from hub.db.engine import Database
from hub.db.models import Ticket
from hub.envelopes import InboundEnvelope
from hub.settings import Settings
from hub.tickets.inbound import ContactWriter
from hub.tickets.ingest import Ingestor
from hub.tickets.model import Status, ThreadAction
from hub.tickets.queues import sync_queues
from tests.tickets.batch_kit import T0, MailScene, left_behind, listen, side_by_side


class HintScene(MailScene):
    """Known customers' tickets in every state a thread can name, and the mail that names them."""

    def before(self) -> list[InboundEnvelope]:
        threads = [("ann", 0), ("bob", 0), ("bob", 5), ("cat", 0), ("dan", 0), ("eve", 0), ("gus", 0), ("hal", 0),
                   ("ivy", 0)]  # fmt: skip
        return [self.sent(who, f"{who[0]}{n}", f"{who} thread {n}", minute) for minute, (who, n) in enumerate(threads)]

    async def set_states(self, db: Database, opened: dict[str, int]) -> None:
        """ann's first ticket closed, bob's merged into his second, cat's solved a moment ago, dan's pending."""
        async with db.write() as uow:
            tickets = {ext: await uow.session.get_one(Ticket, n) for ext, n in opened.items()}
            tickets["a0"].status = Status.CLOSED.value
            tickets["b0"].status, tickets["b0"].merged_into_id = Status.CLOSED.value, opened["b5"]
            tickets["c0"].status, tickets["c0"].solved_at = Status.SOLVED.value, T0 + timedelta(minutes=9)
            tickets["d0"].status = Status.PENDING.value
            for ticket in tickets.values():  # the same in both runs
                ticket.updated_at = T0 + timedelta(minutes=9)

    def hinted(self, who: str, ext: str, minute: int, ticket: int) -> InboundEnvelope:
        """A mail whose subject names a ticket ([#123]) and answers none of the stored messages."""
        return replace(self.sent(who, ext, "about my ticket", minute), thread_ticket_id=ticket)

    def replies(self, opened: dict[str, int]) -> list[InboundEnvelope]:
        return [
            self.sent("ann", "a1", "re: ann thread 0", 20, refs=("a0",)),  # their own closed ticket: a new one
            self.sent("bob", "b1", "re: bob thread 0", 21, refs=("b0",)),  # merged: on the ticket it went into
            self.sent("cat", "c1", "re: cat thread 0", 22, refs=("c0",)),  # solved a moment ago: reopened
            self.sent("dan", "d1", "re: dan thread 0", 23, refs=("d0",)),  # pending: open again
            self.sent("eve", "e1", "re: bob thread 0", 24, refs=("b0",)),  # a stranger's merged ticket: a new one
            self.hinted("gus", "g1", 25, opened["a0"]),  # a stranger's ticket by its number: a new one
            self.hinted("hal", "h1", 26, opened["h0"]),  # their own active ticket by its number: continued
            self.sent("ivy", "i1", "a new question", 27),  # a new thread
        ]


async def test_mail_naming_tickets_in_every_state_threads_as_one_by_one(db: Database, settings: Settings) -> None:
    await sync_queues(db, settings.queues)
    ingestor, writer = Ingestor(db, settings), ContactWriter(settings)
    heard = listen(db)
    batched, alone = HintScene("93"), HintScene("04")
    batches: list[list[InboundEnvelope]] = []
    for scene in (batched, alone):
        opened: dict[str, int] = {}
        for env in scene.before():
            opened[env.external_id.split("-")[1]] = (await ingestor.ingest(env)).ticket.id
        await scene.set_states(db, opened)
        batches.append(scene.replies(opened))
    in_batch, one_by_one, sent = await side_by_side(db, ingestor, writer, batches[0], batches[1])
    opening = [q for q in sent if q.startswith("INSERT INTO tickets")]  # the INSERTs of tickets the batch ran
    got = await left_behind(db, batched, in_batch, heard)
    assert got == await left_behind(db, alone, one_by_one, heard)
    assert [r[0] for r in got["results"]] == ["#-a1", "#-b5", "#-c0", "#-d0", "#-e1", "#-g1", "#-h0", "#-i1"]
    assert [r.action for r in in_batch] == [ThreadAction.NEW, ThreadAction.REUSE, ThreadAction.REOPEN,
                                            ThreadAction.REUSE, ThreadAction.NEW, ThreadAction.NEW,
                                            ThreadAction.REUSE, ThreadAction.NEW]  # fmt: skip
    async with db.read() as s:
        dan = await s.scalar(select(Ticket.status).where(Ticket.id == in_batch[3].ticket.id))
    assert dan == Status.OPEN.value
    # gus's and ivy's new tickets in one INSERT of the batch; ann's (her own closed ticket named) and eve's (a merged
    # ticket named: its hops are followed one by one) one by one.
    assert len(opening) == 3
