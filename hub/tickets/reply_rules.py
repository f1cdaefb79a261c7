"""The rules every reply and note obeys before it is stored, whoever sends it (an agent, an acknowledgement,
a survey): where it may go, how long it may be, what it may carry, whom a note names, who may coach."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents.accounts import Principal
from hub.customers.consent import has_consent
from hub.db.models import Agent, Customer, Identity, Interaction, Ticket
from hub.tickets.channel_facts import ReplyChannels, carries_files, limits_for, reply_window
from hub.tickets.model import Status
from hub.tickets.refusals import Refusal, ReplyRefused

MAX_REPLY_CHARS = 65_536
MENTION = re.compile(r"@([\w.\-]+)", re.UNICODE)


class UnknownMention(ValueError):
    """A note names by id an agent who does not exist or no longer works here."""

    def __init__(self, agent_id: int) -> None:
        super().__init__(f"no active agent {agent_id} to mention")
        self.agent_id = agent_id


@dataclass(frozen=True, slots=True)
class Reply:
    """What someone asks to send on a ticket; `text` already stripped."""

    text: str
    note: bool = False
    automatic: bool = False  # an acknowledgement or a survey: no first response, no owner
    channel: str | None = None  # another of the customer's channels than the ticket's
    mentions: tuple[int, ...] = ()  # agents a note names by id (more are found as @name in the text)
    coach: bool = False  # a supervisor's note only the assigned agent sees
    attachments: tuple[dict[str, Any], ...] = field(default=())
    markdown: bool = False  # the text is Markdown (an article inserted): sent as each channel can show it
    articles: tuple[int, ...] = ()  # articles inserted in full: their short answers stand in where too long
    html: str | None = None  # the rendered Markdown, once formatted (hub/tickets/reply_markup.py)

    def on(self, ticket: Ticket) -> str:
        return self.channel or ticket.channel


def check_author(actor: Principal, reply: Reply) -> None:
    """What the author's role allows, before anything is read."""
    if reply.coach and not actor.has_role("supervisor"):
        raise ReplyRefused(Refusal.NOT_A_COACH, "only supervisors coach")


async def check_reply(
    s: AsyncSession, ticket: Ticket, customer: Customer, reply: Reply, channels: ReplyChannels | None, now: datetime
) -> dict[str, Any]:
    """Refuse the reply at the first rule it breaks (ReplyRefused); otherwise what the rules add to its meta
    (a note's mentions, a coaching note's agent)."""
    meta: dict[str, Any] = {}
    if reply.note:
        meta = await _note_meta(s, ticket, reply)
    else:
        await _check_route(s, ticket, reply, channels)
    _check_text(reply.text)
    if not reply.note:
        on = reply.on(ticket)
        _check_open(ticket)
        _check_consent(customer, on)
        window = reply_window(on, channels)
        if window is not None:
            await _check_window(s, ticket, on, window, now)
    return meta


async def _check_route(s: AsyncSession, ticket: Ticket, reply: Reply, channels: ReplyChannels | None) -> None:
    """The channel asked for reaches the customer, takes this much text and, if any, the files."""
    on = reply.on(ticket)
    if reply.channel not in (None, ticket.channel) and (
        # Without the running channels another channel cannot be vouched for.
        channels is None or reply.channel not in await reply_channels(s, ticket.customer_id, ticket.channel, channels)
    ):
        raise ReplyRefused(
            Refusal.UNREACHABLE, "the customer cannot be reached on '%(channel)s'", channel=str(reply.channel)
        )
    problem = limits_for(on, channels).check(reply.text)
    if problem:
        raise ReplyRefused(Refusal.TOO_LONG, problem.key, **problem.params)
    if reply.attachments and not carries_files(on, channels):
        raise ReplyRefused(Refusal.NO_FILES, "%(channel)s replies cannot carry files; send them by email", channel=on)


async def _note_meta(s: AsyncSession, ticket: Ticket, reply: Reply) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    try:
        found = await mentioned(s, reply.text, list(reply.mentions))
    except UnknownMention as exc:
        raise ReplyRefused(
            Refusal.UNKNOWN_MENTION, "no active agent %(agent)s to mention", agent=exc.agent_id
        ) from None
    if found:
        meta["mentions"] = found
    if reply.coach:
        if ticket.assignee_id is None:
            raise ReplyRefused(Refusal.NOBODY_TO_COACH, "nobody is assigned to coach on this ticket")
        meta["coach_for"] = ticket.assignee_id
    return meta


def _check_text(text: str) -> None:
    if not text:
        raise ReplyRefused(Refusal.EMPTY, "a reply needs some text")
    if len(text) > MAX_REPLY_CHARS:
        raise ReplyRefused(Refusal.TOO_LONG, "a reply is limited to %(max)s characters", max=MAX_REPLY_CHARS)


def _check_open(ticket: Ticket) -> None:
    if ticket.status == Status.CLOSED:
        raise ReplyRefused(Refusal.CLOSED, "this ticket is closed; the customer's next contact opens a new one")


def _check_consent(customer: Customer, on: str) -> None:
    if has_consent(customer.attributes or {}, on) is False:
        raise ReplyRefused(
            Refusal.OPTED_OUT,
            "the customer opted out of %(channel)s messages (for SMS: they texted STOP); "
            "answer on another channel, or wait until they opt in again (START)",
            channel=on,
        )


async def _check_window(s: AsyncSession, ticket: Ticket, channel: str, window: timedelta, now: datetime) -> None:
    """Refuse up front what the provider would refuse later, with a reason the agent can act on."""
    last = await s.scalar(
        select(func.max(Interaction.created_at)).where(
            Interaction.customer_id == ticket.customer_id,
            Interaction.channel == channel,
            Interaction.direction == "inbound",
        )
    )
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    if last is None or now - last > window:
        hours = int(window.total_seconds() // 3600)
        if last is None:
            raise ReplyRefused(
                Refusal.OUTSIDE_WINDOW,
                "%(channel)s accepts replies only within %(hours)s hours of the customer's last message, "
                "and they have not written on it; answer on another channel",
                channel=channel,
                hours=hours,
            )
        raise ReplyRefused(
            Refusal.OUTSIDE_WINDOW,
            "%(channel)s accepts replies only within %(hours)s hours of the customer's last message "
            "(last message: %(seen)s); ask them to write again, or answer on another channel",
            channel=channel,
            hours=hours,
            seen=last.strftime("%Y-%m-%d %H:%M UTC"),
        )


async def reply_channels(s: AsyncSession, customer_id: int, ticket_channel: str, channels: ReplyChannels) -> list[str]:
    """The ticket's channel first, then every other running channel the customer can be reached on."""
    kinds = set(await s.scalars(select(Identity.kind).where(Identity.customer_id == customer_id)))
    found = [ticket_channel]
    for channel in channels:
        name = channel.kind
        if name != ticket_channel and channel.identity_kind in kinds and name != "voice.twilio":
            found.append(name)  # (a call cannot be "sent"; its answers go by text)
    return found


async def mentioned(s: AsyncSession, text: str, explicit: list[int]) -> list[int]:
    """Agents named in a note: picked in the composer (ids) or typed as @name / @email-local-part."""
    words = {w.lower() for w in MENTION.findall(text)}
    ids = set(explicit)
    if words:
        for agent_id, email, name in (
            await s.execute(select(Agent.id, Agent.email, Agent.display_name).where(Agent.active))
        ).all():
            if email.split("@")[0].lower() in words or name.replace(" ", "").lower() in words:
                ids.add(agent_id)
    if explicit:
        active = set(await s.scalars(select(Agent.id).where(Agent.id.in_(explicit), Agent.active)))
        if set(explicit) - active:
            raise UnknownMention(sorted(set(explicit) - active)[0])
    return sorted(ids)
