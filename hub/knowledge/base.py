"""The knowledge base at run time: the live index, suggestions, feedback and the unanswered-query log.

What suggestions leave behind (how often each article was suggested, the questions with no confident answer) is
buffered and written every two seconds (usage_log.py), so suggestions add no write transaction to the hot path
of a message.

Articles published elsewhere (`hub kb import` in a process of its own, another hub process) reach the index
through a cheap check every REFRESH_S seconds: a one-row summary of the live versions; only when it changed
are the changed articles read and indexed again.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.background import cancel
from hub.db.engine import Database
from hub.events import ArticleLiveChanged
from hub.knowledge.index import IndexedArticle, SuggestionIndex
from hub.knowledge.tables import Article, ArticleEvent, ArticleVersion
from hub.knowledge.usage_log import UsageLog

log = logging.getLogger(__name__)
MAX_QUERY_CHARS = 1000
FEEDBACK_KINDS = ("suggested", "inserted", "helpful", "not_helpful")
VOTES = ("helpful", "inserted", "not_helpful")  # what agents tell about an article, counted per article


@dataclass(frozen=True, slots=True)
class Suggestion:
    article_id: int
    score: float
    locale: str
    title: str
    short_answer: str
    body: str
    body_html: str
    category: str
    confidence: float = 0.0  # 0-1, calibrated: the chance this article answers the question
    confident: bool = False  # confidence >= hub.knowledge.confidence.THRESHOLD
    usefulness: tuple[int, int, int] = (0, 0, 0)  # helpful, inserted, not helpful

    def to_json(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "score": self.score,
            "confidence": self.confidence,
            "confident": self.confident,
            "usefulness": dict(zip(VOTES, self.usefulness, strict=True)),
            "locale": self.locale,
            "title": self.title,
            "short_answer": self.short_answer,
            "body": self.body,
            "body_html": self.body_html,
            "category": self.category,
        }


class KnowledgeBase:
    REFRESH_S = 2.0  # how soon an article published by another process is suggested here

    def __init__(self, db: Database) -> None:
        self._db = db
        self.index = SuggestionIndex()
        self._content: dict[int, Suggestion] = {}
        self._live: dict[int, int] = {}  # article -> the live version the index holds
        self._stamp: tuple[Any, ...] | None = None  # the live versions' summary when last compared
        self._refresher: asyncio.Task[None] | None = None
        self._votes: dict[int, list[int]] = {}  # article -> [helpful, inserted, not_helpful]
        self.usage = UsageLog(db)
        self._flusher: asyncio.Task[None] | None = None

    async def start(self) -> None:
        # jieba's dictionary loads in the server's background warm-up (hub.ops.warm_up), not before it answers.
        await self.refresh()
        async with self._db.read() as s:
            votes = (
                await s.execute(
                    select(ArticleEvent.article_id, ArticleEvent.kind, func.count())
                    .where(ArticleEvent.kind.in_(VOTES))
                    .group_by(ArticleEvent.article_id, ArticleEvent.kind)
                )
            ).all()
        for article_id, kind, n in votes:
            self._votes.setdefault(article_id, [0, 0, 0])[VOTES.index(kind)] = n
        for article_id, counts in self._votes.items():
            self.index.set_feedback(article_id, *counts)
        self._db.bus.subscribe(ArticleLiveChanged, self._on_live_changed)
        self._flusher = asyncio.create_task(self._flush_forever(), name="hub-knowledge-log")
        self._refresher = asyncio.create_task(self._refresh_forever(), name="hub-knowledge-refresh")

    async def stop(self) -> None:
        await cancel(self._refresher)
        await cancel(self._flusher)
        await self.flush()

    async def refresh(self) -> int:
        """Index what other processes published or archived since the last look; how many articles changed."""
        async with self._db.read() as s:
            # The summary first: rows read after it are at least as new, so a change committed in between is
            # seen again next time rather than missed.
            stamp = await _live_stamp(s)
            if stamp == self._stamp:
                return 0
            live = {a: v for a, v in (await s.execute(select(Article.id, Article.live_version_id))).all() if v}
            changed = [a for a, v in live.items() if self._live.get(a) != v]
            live_rows = select(Article, ArticleVersion).join(
                ArticleVersion, ArticleVersion.id == Article.live_version_id
            )
            # The first load reads them all at once; later ones only what changed, in bounded IN lists.
            parts = [live_rows] if not self._live else [
                live_rows.where(Article.id.in_(changed[n : n + 500])) for n in range(0, len(changed), 500)
            ]  # fmt: skip
            rows: list[tuple[Article, ArticleVersion]] = []
            for part in parts:
                rows += [(article, version) for article, version in await s.execute(part)]
        for article_id in [a for a in self._live if a not in live]:
            self._drop(article_id)
        # Tokenizing every article (jieba, stems, pinyin) takes seconds for a large base: off the event loop.
        fields = [_fields(article, version) for article, version in rows]
        built = await asyncio.to_thread(lambda: [IndexedArticle.build(*f) for f in fields])
        for (article, version), indexed in zip(rows, built, strict=True):
            self._put(article, version, indexed)
        self._stamp = stamp
        return len(changed)

    def _put(self, article: Article, v: ArticleVersion, indexed: IndexedArticle | None = None) -> None:
        self.index.upsert(indexed or IndexedArticle.build(*_fields(article, v)))
        self._live[article.id] = v.id
        self._content[article.id] = Suggestion(
            article.id, 0.0, article.locale, v.title, v.short_answer, v.body_md, v.body_html, v.category
        )

    async def _on_live_changed(self, event: ArticleLiveChanged) -> None:
        """One article in, one article updated: the index never rebuilds for an edit."""
        async with self._db.read() as s:
            article = await s.get(Article, event.article_id)
            version = (
                await s.get(ArticleVersion, article.live_version_id) if article and article.live_version_id else None
            )
        if article is None or version is None:
            self._drop(event.article_id)
        else:
            self._put(article, version)

    def _drop(self, article_id: int) -> None:
        self.index.remove(article_id)
        self._content.pop(article_id, None)
        self._live.pop(article_id, None)

    def suggest(
        self, query: str, locale: str | None, *, limit: int = 5, ticket_id: int | None = None, record: bool = True
    ) -> list[Suggestion]:
        # A question is asked in its first lines; a 5 MB mail must not tokenize for a second on the loop.
        query = query[:MAX_QUERY_CHARS]
        hits = self.index.search(query, locale, limit=max(1, min(limit, 20)))
        result = [
            replace(
                self._content[h.article_id],
                score=h.score,
                confidence=h.confidence,
                confident=h.confident,
                usefulness=self.usefulness(h.article_id),
            )
            for h in hits
        ]
        if record and query.strip():
            if not any(h.confident for h in hits):  # the gap report's input: no confident answer
                best = max((h.confidence for h in hits), default=None)
                self.usage.unanswered(
                    query.strip()[:500], locale or "en", None if best is None else round(100 * best, 1), ticket_id
                )
            self.usage.suggested(s.article_id for s in result)
        return result

    async def feedback(self, article_id: int, kind: str, ticket_id: int | None, agent_id: int | None) -> None:
        if kind not in FEEDBACK_KINDS[1:]:
            raise ValueError(f"kind must be one of {', '.join(FEEDBACK_KINDS[1:])}")
        async with self._db.write() as uow:
            if await uow.session.get(Article, article_id) is None:
                raise LookupError(f"article {article_id} does not exist")
            uow.session.add(ArticleEvent(article_id=article_id, kind=kind, ticket_id=ticket_id, agent_id=agent_id))
        votes = self._votes.setdefault(article_id, [0, 0, 0])
        votes[VOTES.index(kind)] += 1
        self.index.set_feedback(article_id, *votes)

    def usefulness(self, article_id: int) -> tuple[int, int, int]:
        """Helpful, inserted and not-helpful counts, as agents reported them."""
        helpful, inserted, not_helpful = self._votes.get(article_id, (0, 0, 0))
        return helpful, inserted, not_helpful

    async def flush(self) -> None:
        await self.usage.flush()

    async def _flush_forever(self) -> None:
        while True:
            await asyncio.sleep(2)
            await self.flush()

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(self.REFRESH_S)
            try:
                await self.refresh()
            except Exception:
                # The database away for a moment: the index keeps what it has and looks again next time.
                log.exception("checking the knowledge base for articles published elsewhere failed")


async def _live_stamp(s: AsyncSession) -> tuple[Any, ...]:
    """One row that changes whenever a live version does: a publish points an article at a newer version (a
    larger id), an archive clears it, and either sets updated_at."""
    summary = select(
        func.count(Article.live_version_id), func.sum(Article.live_version_id), func.max(Article.updated_at)
    )
    return tuple((await s.execute(summary)).one())


def _fields(article: Article, v: ArticleVersion) -> tuple[int, str, str, list[str], list[str], str, str]:
    return article.id, article.locale, v.title, list(v.variants), list(v.tags), v.short_answer, v.body_md
