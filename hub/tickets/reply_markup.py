"""A Markdown reply made fit for its channel: plain text for all, HTML for those that show it, a short answer
for a full article too long for the channel."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Ticket
from hub.knowledge.tables import Article, ArticleVersion
from hub.markup import markdown_html, markdown_text
from hub.tickets.channel_facts import ReplyChannels, limits_for
from hub.tickets.reply_rules import Reply


async def formatted(s: AsyncSession, ticket: Ticket, reply: Reply, channels: ReplyChannels | None) -> Reply:
    """The reply with `text` the plain words (what SMS, WeChat, search and history get) and `html` the rendered
    Markdown (e-mail and web chat); a plain reply as it is."""
    if not reply.markdown or reply.note:
        return reply
    source = reply.text
    limits = limits_for(reply.on(ticket), channels)
    if limits.check(markdown_text(source)) and reply.articles:
        # Too long for the channel (an SMS, a WeChat message): each inserted article's short answer instead.
        for body, short in await _answers(s, reply.articles):
            source = source.replace(body.strip(), short.strip())
    return replace(reply, text=markdown_text(source), html=markdown_html(source))


async def _answers(s: AsyncSession, articles: tuple[int, ...]) -> list[tuple[str, str]]:
    """Full and short answer of each article's published version."""
    query = (
        select(ArticleVersion.body_md, ArticleVersion.short_answer)
        .join(Article, Article.live_version_id == ArticleVersion.id)
        .where(Article.id.in_(articles[:20]))
    )
    return [(body, short) for body, short in (await s.execute(query)).all() if body.strip()]
