"""The knowledge list page's one read: articles with status, owner, usefulness, suggestions in the last 30 days and
review date, searched, filtered, sorted and paged on the server (GET /api/v1/knowledge/overview)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from aiohttp import web
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from hub import keys
from hub.api.errors import int_param, query_id, require
from hub.api.refusal import refuse
from hub.clock import utcnow
from hub.db.models import Agent
from hub.knowledge.tables import Article, ArticleVersion
from hub.knowledge.usage_counts import suggested_per_article

routes = web.RouteTableDef()
READERS = ("agent", "supervisor", "knowledge_manager")
STATUSES = ("draft", "in_review", "published", "archived", "review_due")
SORTS = ("relevance", "updated", "title", "review_by", "useful", "suggested")
MAX_QUERY = 200


@dataclass(slots=True)
class Row:
    id: int
    locale: str
    owner_id: int | None
    review_by: date | None
    status: str
    working_status: str | None
    title: str
    category: str
    tags: list[str]
    variants: list[str]
    updated_at: str
    usefulness: tuple[int, int, int] = (0, 0, 0)
    suggested_30d: int = 0

    def due(self, today: date) -> bool:
        return self.review_by is not None and self.review_by <= today and self.status != "archived"

    def shows_under(self, status: str, today: date) -> bool:
        # A published article whose next version is a draft (or in review) shows under both, as the API lists.
        return self.due(today) if status == "review_due" else status in (self.status, self.working_status)

    def contains(self, text: str) -> bool:
        fields = [self.title, self.category, *self.tags, *self.variants, f"#{self.id}"]
        return any(text in f.lower() for f in fields)

    def useful_score(self) -> tuple[float, int]:
        """The ranking's feedback factor (docs/knowledge.md), then how many votes back it."""
        helpful, inserted, not_helpful = self.usefulness
        useful = helpful + inserted / 2
        return (useful + 1) / (useful + not_helpful + 2), helpful + inserted + not_helpful


async def _rows(request: web.Request, today: date) -> list[Row]:
    """Every article with the version people see first (the working draft, else the live one, else the last):
    columns only, never bodies, so a base of thousands lists in one query."""
    any_version = aliased(ArticleVersion)
    latest = select(func.max(any_version.id)).where(any_version.article_id == Article.id).correlate(Article)
    current = func.coalesce(Article.working_version_id, Article.live_version_id, latest.scalar_subquery())
    stmt = select(
        Article.id, Article.locale, Article.owner_id, Article.review_by, Article.archived_at,
        Article.live_version_id, Article.working_version_id, ArticleVersion.status, ArticleVersion.title,
        ArticleVersion.category, ArticleVersion.tags, ArticleVersion.variants, ArticleVersion.updated_at,
    ).outerjoin(ArticleVersion, and_(ArticleVersion.id == current))  # fmt: skip
    knowledge = request.app[keys.KNOWLEDGE]
    rows = []
    async with request.app[keys.DB].read() as s:
        suggested = await suggested_per_article(s, today)
        for r in await s.execute(stmt):
            working = r.status if r.working_version_id else None
            status = "archived" if r.archived_at else "published" if r.live_version_id else working or "draft"
            rows.append(
                Row(r.id, r.locale, r.owner_id, r.review_by, status, working, r.title or "", r.category or "",
                    [str(x) for x in r.tags or ()], [str(x) for x in r.variants or ()],
                    r.updated_at.isoformat() if r.updated_at else "", knowledge.usefulness(r.id),
                    suggested.get(r.id, 0))
            )  # fmt: skip
    return rows


def _searched(request: web.Request, rows: list[Row], query: str) -> list[Row]:
    """The knowledge search first (stems, pinyin, typos; published articles, best first), then every article
    whose title, variants, tags or category contain the text (drafts too)."""
    by_id = {r.id: r for r in rows}
    found = request.app[keys.KNOWLEDGE].suggest(query, None, limit=20, record=False)  # a manager's search: no gap
    ranked = [by_id[s.article_id] for s in found if s.article_id in by_id]
    seen = {r.id for r in ranked}
    text = query.strip().lower()
    return ranked + [r for r in rows if r.id not in seen and r.contains(text)]


def _sorted(rows: list[Row], sort: str) -> list[Row]:
    if sort == "title":
        return sorted(rows, key=lambda r: (r.title.lower(), r.id))
    if sort == "review_by":
        return sorted(rows, key=lambda r: (r.review_by is None, r.review_by or date.max, r.id))
    if sort == "useful":
        return sorted(rows, key=lambda r: (r.useful_score(), r.id), reverse=True)
    if sort == "suggested":
        return sorted(rows, key=lambda r: (r.suggested_30d, r.id), reverse=True)
    return sorted(rows, key=lambda r: (r.updated_at, r.id), reverse=True)


def _json(row: Row, owners: dict[int, str], today: date) -> dict[str, Any]:
    helpful, inserted, not_helpful = row.usefulness
    return {
        "id": row.id,
        "locale": row.locale,
        "title": row.title,
        "category": row.category,
        "tags": row.tags,
        "status": row.status,
        "working_status": row.working_status,
        "owner": {"id": row.owner_id, "name": owners.get(row.owner_id, "")} if row.owner_id else None,
        "review_by": row.review_by.isoformat() if row.review_by else None,
        "overdue": row.due(today),
        "updated_at": row.updated_at,
        "usefulness": {"helpful": helpful, "inserted": inserted, "not_helpful": not_helpful},
        "suggested_30d": row.suggested_30d,
    }


@routes.get("/api/v1/knowledge/overview")
async def overview(request: web.Request) -> web.Response:
    """?q=&status=&category=&locale=&owner_id=&sort=&offset=&limit=: one page of the list, its total, the count
    of each status and the categories to filter by."""
    await require(request, *READERS)
    q = request.query
    status, sort, query = q.get("status", ""), q.get("sort", ""), q.get("q", "").strip()[:MAX_QUERY]
    if status and status not in STATUSES:
        raise refuse(400, "status must be one of %(choices)s", choices=", ".join(STATUSES))
    if sort and sort not in SORTS:
        raise refuse(400, "sort must be one of %(choices)s", choices=", ".join(SORTS))
    offset, limit = int_param(request, "offset", 0, 0, 1_000_000), int_param(request, "limit", 25, 1, 200)
    owner_id, today = query_id(request, "owner_id"), utcnow().date()
    rows = await _rows(request, today)
    if q.get("locale"):
        rows = [r for r in rows if r.locale == q["locale"]]
    if owner_id is not None:
        rows = [r for r in rows if r.owner_id == owner_id]
    categories = sorted({r.category for r in rows if r.category}, key=str.lower)
    if q.get("category"):
        rows = [r for r in rows if r.category == q["category"]]
    if query:
        rows = _searched(request, rows, query)
    counts = {s: sum(r.shows_under(s, today) for r in rows) for s in STATUSES} | {"all": len(rows)}
    if status:
        rows = [r for r in rows if r.shows_under(status, today)]
    if sort != "relevance" or not query:  # relevance keeps the search's order
        rows = _sorted(rows, sort or "updated")
    page = rows[offset : offset + limit]
    owner_ids = {r.owner_id for r in page if r.owner_id}
    owners: dict[int, str] = {}
    if owner_ids:
        async with request.app[keys.DB].read() as s:
            named = await s.execute(select(Agent.id, Agent.display_name).where(Agent.id.in_(owner_ids)))
            owners = {agent_id: name for agent_id, name in named}  # noqa: C416 (rows, not pairs, to mypy)
    body = {"articles": [_json(r, owners, today) for r in page], "total": len(rows), "offset": offset,
            "limit": limit, "counts": counts, "categories": categories}  # fmt: skip
    return web.json_response(body)
