"""Article lifecycle: draft -> in review -> published -> archived, with versions, diff and restore.

Editing a published article creates a working draft; the published version stays live until the draft
is approved. Saves name the revision they started from, so two editors never overwrite each other.
"""

from __future__ import annotations

import difflib
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents import audit
from hub.agents.accounts import Principal
from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.ids import BadId, optional_id
from hub.db.models import Agent
from hub.events import ArticleLiveChanged
from hub.knowledge.content import Content, KnowledgeError
from hub.knowledge.tables import Article, ArticleVersion
from hub.knowledge.text import render_markdown
from hub.wording import Worded

EDITORS = ("agent", "supervisor", "knowledge_manager")  # may draft and submit
CURATORS = ("knowledge_manager",)  # may approve, publish, archive, restore (admin implied)
DEFAULT_LOCALES = ("en", "zh-CN")


class Conflict(Exception):
    """409: the article is not in a state that allows this, or someone saved first."""


class NotFound(Worded, LookupError):
    """404: no such article or version."""


def version_json(v: ArticleVersion) -> dict[str, Any]:
    return {
        "id": v.id,
        "number": v.number,
        "status": v.status,
        "revision": v.revision,
        "title": v.title,
        "body": v.body_md,
        "body_html": v.body_html,
        "short_answer": v.short_answer,
        "category": v.category,
        "tags": v.tags,
        "variants": v.variants,
        "author_id": v.author_id,
        "approver_id": v.approver_id,
        "created_at": v.created_at.isoformat(),
        "updated_at": v.updated_at.isoformat(),
        "published_at": v.published_at.isoformat() if v.published_at else None,
    }


async def load(s: AsyncSession, article_id: int) -> Article:
    article = await s.get(Article, article_id)
    if article is None:
        raise NotFound("article %(article)s does not exist", article=article_id)
    return article


async def article_json(s: AsyncSession, article: Article) -> dict[str, Any]:
    live = await s.get(ArticleVersion, article.live_version_id) if article.live_version_id else None
    working = await s.get(ArticleVersion, article.working_version_id) if article.working_version_id else None
    # A published article stays published (and suggested) while its next version is drafted or reviewed:
    # `status` is what readers get, `working_status` where the next version stands.
    status = "archived" if article.archived_at else ("published" if live else working.status if working else "draft")
    return {
        "id": article.id,
        "locale": article.locale,
        "owner_id": article.owner_id,
        "status": status,
        "working_status": working.status if working else None,
        "review_by": article.review_by.isoformat() if article.review_by else None,
        "live": version_json(live) if live else None,
        "working": version_json(working) if working else None,
    }


def _new_version(article: Article, number: int, content: Content, author: Principal) -> ArticleVersion:
    return ArticleVersion(
        article_id=article.id,
        number=number,
        status="draft",
        title=content.title,
        body_md=content.body,
        body_html=render_markdown(content.body),
        short_answer=content.short_answer,
        category=content.category,
        tags=list(content.tags),
        variants=list(content.variants),
        author_id=author.agent_id,
    )


async def create(
    db: Database, actor: Principal, data: dict[str, Any], locales: tuple[str, ...] = DEFAULT_LOCALES
) -> int:
    locale = data.get("locale", "en")
    if locale not in locales:
        raise KnowledgeError("locale: one of %(choices)s", choices=", ".join(locales))
    content = Content.parse(data)
    review_by = parse_date(data.get("review_by"))
    try:
        owner_id = optional_id(data.get("owner_id"), "owner_id") or actor.agent_id
    except BadId as exc:
        raise KnowledgeError(exc.wording.key, **exc.wording.params) from None
    async with db.write() as uow:
        s = uow.session
        if owner_id is not None and await s.get(Agent, owner_id) is None:
            raise KnowledgeError("owner_id: no agent %(agent)s", agent=owner_id)
        article = Article(locale=locale, owner_id=owner_id, review_by=review_by)
        s.add(article)
        await s.flush()
        version = _new_version(article, 1, content, actor)
        s.add(version)
        await s.flush()
        article.working_version_id = version.id
        audit.record(s, actor, "article.created", "article", article.id, version=1)
        return article.id


def parse_date(raw: Any) -> date | None:
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise KnowledgeError("review_by: a date like 2027-01-31") from None


async def edit(db: Database, actor: Principal, article_id: int, data: dict[str, Any]) -> dict[str, Any]:
    async with db.write() as uow:
        s = uow.session
        article = await load(s, article_id)
        if article.archived_at:
            raise Conflict("archived articles cannot be edited; restore a version first")
        working = await s.get(ArticleVersion, article.working_version_id) if article.working_version_id else None
        if "review_by" in data:
            article.review_by = parse_date(data["review_by"])
        if working is not None:
            if data.get("revision") != working.revision:
                raise Conflict(
                    f"the draft changed since revision {data.get('revision')} (now {working.revision}); "
                    "reload it and apply your change again"
                )
            if working.status != "draft":
                raise Conflict("the draft is in review; reject it before editing")
            content = Content.parse(data, Content.of(working))
            working.title, working.body_md, working.short_answer = content.title, content.body, content.short_answer
            working.body_html = render_markdown(content.body)
            working.category, working.tags, working.variants = (
                content.category,
                list(content.tags),
                list(content.variants),
            )
            working.revision += 1
            working.updated_at = utcnow()
        else:
            live = await s.get_one(ArticleVersion, article.live_version_id)
            content = Content.parse(data, Content.of(live))
            number = await _next_number(s, article.id)
            working = _new_version(article, number, content, actor)
            s.add(working)
            await s.flush()
            article.working_version_id = working.id
        article.updated_at = utcnow()
        audit.record(s, actor, "article.edited", "article", article.id, version=working.number)
        await s.flush()
        return await article_json(s, article)


async def set_owner(db: Database, actor: Principal, article_id: int, owner_id: int | None) -> dict[str, Any]:
    """Hand an article to another agent (who then reviews it by its review_by date), or to nobody."""
    async with db.write() as uow:
        s = uow.session
        article = await load(s, article_id)
        if owner_id is not None and await s.get(Agent, owner_id) is None:
            raise KnowledgeError("owner_id: no agent %(agent)s", agent=owner_id)
        before, article.owner_id = article.owner_id, owner_id
        if before != owner_id:
            article.updated_at = utcnow()
            audit.record(s, actor, "article.owner_changed", "article", article.id, before=before, after=owner_id)
        await s.flush()
        return await article_json(s, article)


async def _next_number(s: AsyncSession, article_id: int) -> int:
    numbers = await s.scalars(select(ArticleVersion.number).where(ArticleVersion.article_id == article_id))
    return max(numbers, default=0) + 1


async def transition(db: Database, actor: Principal, article_id: int, action: str, reason: str = "") -> dict[str, Any]:
    """submit | approve | reject | archive"""
    async with db.write() as uow:
        s = uow.session
        article = await load(s, article_id)
        working = await s.get(ArticleVersion, article.working_version_id) if article.working_version_id else None
        now = utcnow()
        if action == "submit":
            if working is None or working.status != "draft":
                raise Conflict("only a draft can be submitted for review")
            working.status = "in_review"
        elif action == "reject":
            if working is None or working.status != "in_review":
                raise Conflict("only a version in review can be rejected")
            working.status = "draft"
        elif action == "approve":
            if working is None or working.status != "in_review":
                raise Conflict("only a version in review can be approved and published")
            if article.live_version_id:
                (await s.get_one(ArticleVersion, article.live_version_id)).status = "superseded"
            working.status, working.approver_id, working.published_at = "published", actor.agent_id, now
            article.live_version_id, article.working_version_id, article.archived_at = working.id, None, None
            uow.emit(ArticleLiveChanged(article.id))
        elif action == "archive":
            if article.archived_at:
                raise Conflict("the article is archived already")
            if article.live_version_id:
                (await s.get_one(ArticleVersion, article.live_version_id)).status = "archived"
            article.archived_at, article.live_version_id = now, None
            uow.emit(ArticleLiveChanged(article.id))
        else:
            raise KnowledgeError("unknown action '%(action)s'", action=action)
        article.updated_at = now
        audit.record(
            s,
            actor,
            f"article.{action}",
            "article",
            article.id,
            version=working.number if working else None,
            reason=reason[:500],
        )
        await s.flush()
        return await article_json(s, article)


async def versions(db: Database, article_id: int) -> list[ArticleVersion]:
    async with db.read() as s:
        await load(s, article_id)
        rows = await s.scalars(
            select(ArticleVersion).where(ArticleVersion.article_id == article_id).order_by(ArticleVersion.number)
        )
        return list(rows)


async def diff(db: Database, article_id: int, a: int, b: int) -> str:
    by_number = {v.number: v for v in await versions(db, article_id)}
    if a not in by_number or b not in by_number:
        raise NotFound(
            "article %(article)s has no version %(version)s", article=article_id, version=a if a not in by_number else b
        )
    old, new = Content.of(by_number[a]).as_text(), Content.of(by_number[b]).as_text()
    return "\n".join(difflib.unified_diff(old, new, f"version {a}", f"version {b}", lineterm=""))


async def restore(db: Database, actor: Principal, article_id: int, number: int) -> dict[str, Any]:
    """A new working draft with an old version's content; the live version is untouched until approval."""
    by_number = {v.number: v for v in await versions(db, article_id)}
    if number not in by_number:
        raise NotFound("article %(article)s has no version %(version)s", article=article_id, version=number)
    async with db.write() as uow:
        s = uow.session
        article = await load(s, article_id)
        working = await s.get(ArticleVersion, article.working_version_id) if article.working_version_id else None
        if working is not None and working.status == "in_review":
            raise Conflict("a version is in review; approve or reject it before restoring another")
        if working is not None:
            working.status = "superseded"  # the abandoned draft stays in the history
        version = _new_version(article, await _next_number(s, article.id), Content.of(by_number[number]), actor)
        s.add(version)
        await s.flush()
        article.working_version_id = version.id
        article.updated_at = utcnow()
        audit.record(s, actor, "article.restored", "article", article.id, from_version=number, version=version.number)
        await s.flush()
        return await article_json(s, article)
