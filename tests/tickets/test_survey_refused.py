"""A survey the reply rules refuse (here: the ticket was closed meanwhile) leaves nothing behind, and one that
is sent is written with its message in one transaction."""

from __future__ import annotations

from sqlalchemy import func, select

from hub.customers.tables import Survey
from hub.db.engine import Database
from hub.db.models import Interaction, Ticket
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.settings import Settings
from hub.tickets.ingest import Ingestor
from hub.tickets.queues import sync_queues
from hub.tickets.surveys import SurveySender


async def a_ticket(db: Database, settings: Settings, status: str) -> int:
    await sync_queues(db, settings.queues)
    envelope = InboundEnvelope(channel="email", external_id=f"m-{status}", text="我的发票有误",
                               sender=IdentityRef("email", "li@example.cn"))  # fmt: skip
    ticket_id = (await Ingestor(db, settings).ingest(envelope)).ticket.id
    async with db.write() as uow:
        (await uow.session.get_one(Ticket, ticket_id)).status = status
    return ticket_id


async def written(db: Database, ticket_id: int) -> tuple[int, int]:
    async with db.read() as s:
        surveys = await s.scalar(select(func.count()).select_from(Survey).where(Survey.ticket_id == ticket_id))
        messages = await s.scalar(
            select(func.count())
            .select_from(Interaction)
            .where(Interaction.ticket_id == ticket_id, Interaction.direction == "outbound")
        )
    return int(surveys or 0), int(messages or 0)


async def test_a_refused_survey_leaves_no_row_and_a_sent_one_its_row_and_message(
    db: Database, settings: Settings
) -> None:
    sender = SurveySender(db, "https://help.example.test")
    closed = await a_ticket(db, settings, "closed")
    assert await sender.send(closed) is None
    assert await written(db, closed) == (0, 0)

    solved = await a_ticket(db, settings, "solved")
    survey = await sender.send(solved)
    assert survey is not None and await written(db, solved) == (1, 1)
    async with db.read() as s:
        text = await s.scalar(select(Interaction.text).where(Interaction.ticket_id == solved,
                                                             Interaction.direction == "outbound"))  # fmt: skip
    assert text is not None and f"https://help.example.test/survey/{survey.token}" in text
    assert await sender.send(solved) is None  # solved again the same day: one survey is enough
    assert await written(db, solved) == (1, 1)
