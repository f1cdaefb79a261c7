"""REST handlers for the knowledge base: lifecycle, versions, suggestions, feedback, gaps, import/export."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from aiohttp import web
from sqlalchemy import select

from hub import keys
from hub.agents import audit
from hub.api.errors import int_param, path_id, query_id, require, said
from hub.api.refusal import refuse_for
from hub.api.requests_knowledge import ArticleEdit, ArticleNew, Feedback, OwnerChange, Reason, Restore
from hub.api.validation import read_as, read_optional_as
from hub.bodies import MAX_JSON_BYTES, parse_json_value, read_body
from hub.clock import utcnow
from hub.knowledge import articles
from hub.knowledge.articles import CURATORS, EDITORS, Conflict, NotFound
from hub.knowledge.content import KnowledgeError
from hub.knowledge.gaps import gap_report
from hub.knowledge.tables import Article
from hub.knowledge.text import guess_locale
from hub.knowledge.transfer import ImportError_, export_live, import_documents, parse_json
from hub.knowledge.usage_counts import article_usage

READERS = ("agent", "supervisor", "knowledge_manager")
routes = web.RouteTableDef()
Handler = Callable[[web.Request], Awaitable[web.Response]]


def domain_errors(handler: Handler) -> Handler:
    @wraps(handler)
    async def wrapped(request: web.Request) -> web.Response:
        try:
            return await handler(request)
        except NotFound as exc:
            raise refuse_for(404, exc) from None
        except Conflict as exc:
            raise refuse_for(409, exc) from None
        except KnowledgeError as exc:
            raise refuse_for(400, exc) from None
        except ImportError_ as exc:
            raise web.HTTPBadRequest(reason=said(exc)[:2000]) from None

    return wrapped


@routes.post("/api/v1/knowledge/articles")
@domain_errors
async def create_article(request: web.Request) -> web.Response:
    actor = await require(request, *EDITORS)
    locales = request.app[keys.SETTINGS].knowledge_locales
    sent = (await read_as(request, ArticleNew)).given()
    article_id = await articles.create(request.app[keys.DB], actor, sent, locales)
    async with request.app[keys.DB].read() as s:
        body = await articles.article_json(s, await articles.load(s, article_id))
    return web.json_response(body, status=201)


@routes.get("/api/v1/knowledge/articles")
async def list_articles(request: web.Request) -> web.Response:
    await require(request, *READERS)
    q = request.query
    stmt = select(Article).order_by(Article.id).limit(int_param(request, "limit", 100, 1, 500))
    if q.get("locale"):
        stmt = stmt.where(Article.locale == q["locale"])
    if q.get("review_due") == "1":  # what owners must look at again
        stmt = stmt.where(Article.review_by <= utcnow().date(), Article.archived_at.is_(None))
    owner_id = query_id(request, "owner_id")
    if owner_id is not None:
        stmt = stmt.where(Article.owner_id == owner_id)
    async with request.app[keys.DB].read() as s:
        rows = [await articles.article_json(s, a) for a in await s.scalars(stmt)]
    if q.get("status"):
        # A published article whose next version is a draft (or in review) is listed under both.
        rows = [r for r in rows if q["status"] in (r["status"], r["working_status"])]
    return web.json_response({"articles": rows})


@routes.get("/api/v1/knowledge/articles/{id}")
@domain_errors
async def get_article(request: web.Request) -> web.Response:
    await require(request, *READERS)
    async with request.app[keys.DB].read() as s:
        article = await articles.load(s, path_id(request))
        body = await articles.article_json(s, article)
        # How often it was offered to agents lately, and inserted: the article page's usage line.
        body |= (await article_usage(s, article.id, utcnow().date())).to_json()
    return web.json_response(body)


@routes.put("/api/v1/knowledge/articles/{id}")
@domain_errors
async def edit_article(request: web.Request) -> web.Response:
    actor = await require(request, *EDITORS)
    sent = (await read_as(request, ArticleEdit)).given()
    body = await articles.edit(request.app[keys.DB], actor, path_id(request), sent)
    return web.json_response(body)


@routes.put("/api/v1/knowledge/articles/{id}/owner")
@domain_errors
async def change_owner(request: web.Request) -> web.Response:
    actor = await require(request, *CURATORS)
    owner_id = (await read_as(request, OwnerChange)).owner_id
    return web.json_response(await articles.set_owner(request.app[keys.DB], actor, path_id(request), owner_id))


@routes.post("/api/v1/knowledge/articles/{id}/{action:submit|approve|reject|archive}")
@domain_errors
async def transition(request: web.Request) -> web.Response:
    action = request.match_info["action"]
    # Anyone who writes may ask for review; only knowledge managers approve, reject and archive.
    actor = await require(request, *(EDITORS if action == "submit" else CURATORS))
    reason = (await read_optional_as(request, Reason)).reason
    body = await articles.transition(request.app[keys.DB], actor, path_id(request), action, reason)
    return web.json_response(body)


@routes.get("/api/v1/knowledge/articles/{id}/versions")
@domain_errors
async def list_versions(request: web.Request) -> web.Response:
    await require(request, *READERS)
    rows = await articles.versions(request.app[keys.DB], path_id(request))
    return web.json_response({"versions": [articles.version_json(v) for v in rows]})


@routes.get("/api/v1/knowledge/articles/{id}/diff")
@domain_errors
async def diff(request: web.Request) -> web.Response:
    await require(request, *READERS)
    a, b = int_param(request, "from", 1, 1, 100_000), int_param(request, "to", 1, 1, 100_000)
    text = await articles.diff(request.app[keys.DB], path_id(request), a, b)
    return web.json_response({"from": a, "to": b, "diff": text})


@routes.post("/api/v1/knowledge/articles/{id}/restore")
@domain_errors
async def restore(request: web.Request) -> web.Response:
    actor = await require(request, *CURATORS)
    number = (await read_as(request, Restore)).version
    return web.json_response(await articles.restore(request.app[keys.DB], actor, path_id(request), number))


@routes.get("/api/v1/knowledge/suggest")
async def suggest(request: web.Request) -> web.Response:
    await require(request, *READERS)
    q = request.query.get("q", "")
    locale = request.query.get("locale") or guess_locale(q)
    results = request.app[keys.KNOWLEDGE].suggest(
        q, locale, limit=int_param(request, "limit", 5, 1, 20), ticket_id=query_id(request, "ticket_id")
    )
    return web.json_response({"query": q[:500], "locale": locale, "suggestions": [r.to_json() for r in results]})


@routes.post("/api/v1/knowledge/articles/{id}/feedback")
async def feedback(request: web.Request) -> web.Response:
    actor = await require(request, *READERS)
    body = await read_as(request, Feedback)
    try:
        await request.app[keys.KNOWLEDGE].feedback(path_id(request), body.kind, body.ticket_id, actor.agent_id)
    except LookupError as exc:
        raise refuse_for(404, exc) from None
    except ValueError as exc:
        raise refuse_for(400, exc) from None
    return web.json_response({"ok": True}, status=201)


@routes.get("/api/v1/knowledge/gaps")
async def gaps(request: web.Request) -> web.Response:
    await require(request, "knowledge_manager", "supervisor")
    knowledge = request.app[keys.KNOWLEDGE]
    await knowledge.flush()  # include what was asked a moment ago
    report = await gap_report(request.app[keys.DB], int_param(request, "days", 30, 1, 365), index=knowledge.index)
    return web.json_response({"gaps": [g.to_json() for g in report]})


@routes.post("/api/v1/knowledge/import")
@domain_errors
async def import_articles(request: web.Request) -> web.Response:
    actor = await require(request, *CURATORS)
    raw = await read_body(request, MAX_JSON_BYTES)
    parse_json_value(raw)  # depth, encoding and lone surrogates, as every JSON body
    docs = parse_json("request", raw.decode("utf-8"))
    done = await import_documents(
        request.app[keys.DB],
        actor,
        docs,
        publish=request.query.get("publish") == "1",
        locales=request.app[keys.SETTINGS].knowledge_locales,
    )
    return web.json_response(done.to_json(), status=201)


@routes.get("/api/v1/knowledge/export")
async def export(request: web.Request) -> web.Response:
    actor = await require(request, *CURATORS)
    items: list[dict[str, Any]] = await export_live(request.app[keys.DB])
    async with request.app[keys.DB].write() as uow:  # the knowledge base leaving the hub: who took it
        audit.record(uow.session, actor, "knowledge.exported", "article", None, articles=len(items))
    return web.json_response({"articles": items})
