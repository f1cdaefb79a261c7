"""Satisfaction surveys: sent on solving, answered by reply or by link, on the ticket and in the figures."""

from __future__ import annotations

import re
from typing import Any

import aiohttp
from sqlalchemy import select

from hub import keys
from hub.customers.tables import Survey
from hub.db.engine import Database
from hub.db.models import HistoryEntry, Interaction, Ticket
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.tickets.surveys import rating_in
from tests.conftest import Hub, make_token
from tests.waiting import until


async def call(hub: Hub, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        return r.status, await r.json()


async def solved_ticket(hub: Hub, token: str, channel: str, kind: str, value: str) -> int:
    envelope = InboundEnvelope(channel=channel, external_id=f"{channel}-q1", sender=IdentityRef(kind, value),
                               text="My invoice is wrong 我的发票有误")  # fmt: skip
    ticket_id = (await hub.app[keys.INGESTOR].ingest(envelope)).ticket.id
    await call(hub, token, "POST", f"/api/v1/tickets/{ticket_id}/replies", {"text": "Fixed it, sorry!"})
    status, _ = await call(hub, token, "PATCH", f"/api/v1/tickets/{ticket_id}", {"status": "solved"})
    assert status == 200
    return ticket_id


async def survey_text(db: Database, ticket_id: int) -> str:
    async def sent() -> bool:
        async with db.read() as s:
            return bool(await s.scalar(select(Survey.id).where(Survey.ticket_id == ticket_id)))

    await until(sent)
    async with db.read() as s:
        rows = list(await s.scalars(select(Interaction.text).where(Interaction.ticket_id == ticket_id)))
    return rows[-1]


async def test_sms_survey_answered_by_reply_lands_on_ticket_and_figures(twilio_hub: Hub, db: Database) -> None:
    token = await make_token(db, "admin")
    ticket_id = await solved_ticket(twilio_hub, token, "sms.twilio", "phone", "+8613800138000")
    assert "Reply with a number from 1 (poor) to 5 (great)" in await survey_text(db, ticket_id)
    answer = InboundEnvelope(channel="sms.twilio", external_id="sms-a1", text="５分",
                             sender=IdentityRef("phone", "+8613800138000"))  # fmt: skip
    result = await twilio_hub.app[keys.INGESTOR].ingest(answer)
    assert result.ticket.id == ticket_id and result.ticket.status == "solved"  # an answer, not a reopening
    _, detail = await call(twilio_hub, token, "GET", f"/api/v1/tickets/{ticket_id}")
    assert detail["surveys"][0]["rating"] == 5 and detail["surveys"][0]["via"] == "reply"
    async with db.read() as s:
        kinds = list(await s.scalars(select(HistoryEntry.kind).where(HistoryEntry.ticket_id == ticket_id)))
    assert "survey.answered" in kinds
    for by, key in (("tier", "general"), ("channel", "sms.twilio"), ("skill", "billing")):
        status, figures = await call(twilio_hub, token, "GET", f"/api/v1/surveys/stats?by={by}")
        assert status == 200 and {"average": 5.0, "answers": 1, by: key} in figures["rows"], figures
    # A real question afterwards reopens the ticket as usual.
    again = InboundEnvelope(channel="sms.twilio", external_id="sms-a2", text="still wrong",
                            sender=IdentityRef("phone", "+8613800138000"))  # fmt: skip
    assert (await twilio_hub.app[keys.INGESTOR].ingest(again)).ticket.status == "open"


async def test_email_survey_link_page_and_answer(twilio_hub: Hub, db: Database) -> None:
    token = await make_token(db, "admin")
    ticket_id = await solved_ticket(twilio_hub, token, "email", "email", "wang@example.com")
    text = await survey_text(db, ticket_id)
    link = re.search(r"(http://\S+/survey/\S+)", text)
    assert link is not None and link.group(1).startswith(twilio_hub.url)
    async with aiohttp.ClientSession() as http:
        async with http.get(link.group(1)) as r:
            assert r.status == 200 and 'name="rating"' in await r.text()
        async with http.post(link.group(1), data={"rating": "9"}) as r:
            assert r.status == 422
        async with http.post(link.group(1), data={"rating": "4", "comment": "快，谢谢 quick, thanks"}) as r:
            assert r.status == 200 and "4/5" in await r.text()
        async with http.get(f"{twilio_hub.url}/survey/not-a-token") as r:
            assert r.status == 404
    async with db.read() as s:
        survey = await s.scalar(select(Survey).where(Survey.ticket_id == ticket_id))
        ticket = await s.get_one(Ticket, ticket_id)
    assert survey is not None and (survey.rating, survey.answered_via) == (4, "link")
    assert survey.comment == "快，谢谢 quick, thanks" and ticket.status == "solved"


def test_what_counts_as_a_rating() -> None:
    assert [rating_in(t) for t in ("5", " 4 ", "５", "3分", "4 stars", "2/5", "5!")] == [5, 4, 5, 3, 4, 2, 5]
    assert [rating_in(t) for t in ("6", "0", "5 but the app crashes", "12", "")] == [None] * 5
