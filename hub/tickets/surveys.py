"""Satisfaction follow-up: a survey on the ticket's channel when it is solved; the answer (1-5) comes back
by link (email) or as a reply ("5", "５分", "4 stars"), lands on the ticket and the customer's timeline,
and counts for the agent, the tier and the skills of the ticket."""

from __future__ import annotations

import logging
import re
import secrets
import unicodedata
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents.accounts import Principal
from hub.bus import EventBus
from hub.clock import utcnow
from hub.customers import history
from hub.customers.tables import Survey
from hub.db.engine import Database, UnitOfWork
from hub.events import SurveyAnswered, TicketUpdated
from hub.tickets.channel_facts import ReplyChannels
from hub.tickets.locking import load_ticket
from hub.tickets.model import Status
from hub.tickets.refusals import ReplyRefused
from hub.tickets.replies import reply_on
from hub.tickets.reply_rules import Reply

log = logging.getLogger(__name__)
SURVEY_ACTOR = Principal(kind="system", id=0, role="agent", name="satisfaction survey")
ANSWER_WINDOW = timedelta(days=7)
TEXT_CHANNELS = frozenset({"webchat", "email", "sms.twilio", "wechat"})  # a call has no text to answer in
_RATING = re.compile(r"^\s*([1-5])\s*(分|星|颗星|stars?|/\s*5|points?)?\s*[.!。！]?\s*$", re.IGNORECASE)
ASK = "How did we do? Reply with a number from 1 (poor) to 5 (great). 您对本次服务满意吗？请回复数字1-5。"


def rating_in(text: str) -> int | None:
    match = _RATING.match(unicodedata.normalize("NFKC", text))
    return int(match.group(1)) if match else None


async def answer_by_reply(uow: UnitOfWork, ticket_id: int, customer_id: int, text: str) -> bool:
    """A reply that is only a rating, to a ticket with a survey waiting: the answer (not a reopening)."""
    rating = rating_in(text)
    if rating is None:
        return False
    survey = await uow.session.scalar(
        select(Survey)
        .where(Survey.ticket_id == ticket_id, Survey.rating.is_(None), Survey.sent_at > utcnow() - ANSWER_WINDOW)
        .order_by(Survey.id.desc())
        .limit(1)
    )
    if survey is None:
        return False
    await _record(uow, survey, rating, None, "reply")
    return True


async def answer_by_link(db: Database, token: str, rating: int, comment: str | None) -> Survey:
    """The survey page's form; LookupError for an unknown token, ValueError for a bad or late answer."""
    if not 1 <= rating <= 5:
        raise ValueError("the rating is a number from 1 to 5")
    async with db.write() as uow:
        survey = await uow.session.scalar(select(Survey).where(Survey.token == token))
        if survey is None:
            raise LookupError("no such survey")
        if utcnow() - survey.sent_at > ANSWER_WINDOW:
            raise ValueError("this survey has closed")
        await _record(uow, survey, rating, (comment or "").strip()[:2000] or None, "link")
        return survey


async def find(db: Database, token: str) -> Survey | None:
    async with db.read() as s:
        return await s.scalar(select(Survey).where(Survey.token == token))


async def _record(uow: UnitOfWork, survey: Survey, rating: int, comment: str | None, via: str) -> None:
    first = survey.rating is None
    survey.rating, survey.answered_via, survey.answered_at = rating, via, utcnow()
    if comment is not None:
        survey.comment = comment
    if first:
        await history.record(uow.session, customer_id=survey.customer_id, kind="survey.answered", at=utcnow(),
                             summary=f"{rating}/5" + (f": {comment}" if comment else ""),
                             channel=survey.channel, ticket_id=survey.ticket_id)  # fmt: skip
        uow.emit(SurveyAnswered(survey.id, survey.ticket_id, survey.customer_id, survey.agent_id, rating,
                                survey.comment, via))  # fmt: skip


async def stats(s: AsyncSession, by: str) -> list[dict[str, Any]]:
    """Average rating and count of answered surveys by agent, tier, channel or skill."""
    if by == "skill":
        counts: dict[str, list[int]] = {}
        for skills, rating in (
            await s.execute(select(Survey.skills, Survey.rating).where(Survey.rating.isnot(None)))
        ).all():
            for skill in skills or ["(none)"]:
                counts.setdefault(str(skill), []).append(int(rating))
        rows = [(k, sum(v) / len(v), len(v)) for k, v in counts.items()]
    else:
        column = {"agent": Survey.agent_id, "tier": Survey.tier, "channel": Survey.channel}[by]
        rows = list(
            (
                await s.execute(
                    select(column, func.avg(Survey.rating), func.count())
                    .where(Survey.rating.isnot(None))
                    .group_by(column)
                )
            ).all()
        )
    return sorted(
        ({by: key, "average": round(float(avg), 2), "answers": int(n)} for key, avg, n in rows),
        key=lambda r: (-r["answers"], str(r[by])),
    )


class SurveySender:
    """Subscribes to ticket.updated: a ticket that became solved gets one survey on its channel."""

    def __init__(self, db: Database, public_url: str | None, channels: ReplyChannels | None = None) -> None:
        self._db = db
        self._public_url = public_url
        self._channels = channels  # the running channels, for the reply rules (a closed window, a limit)

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(TicketUpdated, self._on_updated)

    async def _on_updated(self, event: TicketUpdated) -> None:
        ticket = event.ticket
        if "status" not in event.changes or ticket.status != Status.SOLVED or ticket.channel not in TEXT_CHANNELS:
            return
        try:
            await self.send(ticket.id)
        except Exception:  # a survey must never break solving a ticket
            log.exception("survey for ticket %s not sent", ticket.id)

    async def send(self, ticket_id: int) -> Survey | None:
        """The survey row and its message in one transaction: a message the reply rules refuse (opted out,
        closed meanwhile, the channel's window shut) leaves no survey behind."""
        try:
            async with self._db.write() as uow:
                s = uow.session
                ticket, customer, queue = await load_ticket(s, ticket_id, lock=not self._db.is_sqlite)
                since = utcnow() - timedelta(days=1)
                if await s.scalar(select(Survey.id).where(Survey.ticket_id == ticket_id, Survey.sent_at > since)):
                    return None  # solved again soon after: one survey is enough
                survey = Survey(ticket_id=ticket.id, customer_id=ticket.customer_id, token=secrets.token_urlsafe(24),
                                channel=ticket.channel, agent_id=ticket.assignee_id, tier=customer.tier,
                                skills=sorted((ticket.requirements or {}).get("skills") or {}))  # fmt: skip
                s.add(survey)
                text = ASK
                if ticket.channel == "email" and self._public_url:
                    text = f"How did we do? Rate us here: {self._public_url}/survey/{survey.token}\n\n{ASK}"
                reply = Reply(text.strip(), automatic=True)
                await reply_on(uow, ticket, customer, queue, SURVEY_ACTOR, reply, self._channels)
        except ReplyRefused as exc:  # raised inside the transaction: nothing of it was kept
            log.info("survey for ticket %s not sent (%s): %s", ticket_id, exc.refusal, exc)
            return None
        return survey
