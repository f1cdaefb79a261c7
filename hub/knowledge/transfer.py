"""Import and export of articles: JSON, or Markdown files with YAML front matter."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import func, select

from hub.agents.accounts import Principal
from hub.db.engine import Database
from hub.knowledge import articles
from hub.knowledge.content import Content, KnowledgeError
from hub.knowledge.tables import Article, ArticleVersion

Outcome = Literal["created", "updated", "unchanged"]  # the Imported list an article goes in
FRONT_MATTER_FIELDS = ("title", "locale", "category", "tags", "variants", "short_answer", "review_by")


class ImportError_(ValueError):
    """Every problem of an import, each naming its file and field; nothing is imported when any exists."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Document:
    source: str
    data: dict[str, Any]


def parse_markdown(source: str, text: str) -> Document:
    """A Markdown file with a YAML front-matter block: only a line of dashes ends the block, so the body may
    hold ` --- ` or a `---` line (a Markdown rule) of its own."""
    # python-frontmatter and PyYAML are imported by an import or export only, not by every server that serves
    # the knowledge API (their ~20 modules stay out of an idle server).
    import yaml
    from frontmatter.default_handlers import YAMLHandler

    handler = YAMLHandler()
    text = text.lstrip("\ufeff").strip()  # an editor's byte-order mark is no content
    if not handler.detect(text):
        raise ImportError_([f"{source}: front matter: the file must start with a '---' YAML block"])
    try:
        front, body = handler.split(text)
    except ValueError:
        raise ImportError_([f"{source}: front matter: the '---' YAML block is never closed"]) from None
    try:
        meta = handler.load(front) or {}
    except yaml.YAMLError as exc:
        raise ImportError_([f"{source}: front matter: not valid YAML ({exc})"]) from None
    if not isinstance(meta, dict):
        raise ImportError_([f"{source}: front matter: expected key: value pairs"])
    unknown = sorted(set(meta) - set(FRONT_MATTER_FIELDS))
    if unknown:
        raise ImportError_([f"{source}: {unknown[0]}: unknown field (known: {', '.join(FRONT_MATTER_FIELDS)})"])
    return Document(source, {**{k: (str(v) if k == "review_by" else v) for k, v in meta.items()}, "body": body.strip()})


def parse_json(source: str, text: str) -> list[Document]:
    """One article, a list of them, or the export's own {"articles": [...]}."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ImportError_([f"{source}: not valid JSON ({exc})"]) from None
    if isinstance(data, dict) and set(data) == {"articles"}:
        data = data["articles"]
    items = data if isinstance(data, list) else [data]
    if not all(isinstance(i, dict) for i in items):
        raise ImportError_([f"{source}: expected an object or a list of objects"])
    return [Document(f"{source}[{n}]", i) for n, i in enumerate(items)]


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import did, article ids in the documents' order: new articles, new versions, and unchanged."""

    ids: list[int]
    created: list[int]
    updated: list[int]
    unchanged: list[int]

    def to_json(self) -> dict[str, Any]:
        return {"imported": self.ids, "created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def _key(locale: str, title: str) -> tuple[str, str]:
    return locale, " ".join(title.split()).casefold()


async def _existing(db: Database) -> dict[tuple[str, str], tuple[Article, ArticleVersion]]:
    """Articles not archived, by locale and the title of their newest version (the draft, else the live one)."""
    async with db.read() as s:
        rows = (
            await s.execute(
                select(Article, ArticleVersion)
                .join(
                    ArticleVersion,
                    ArticleVersion.id == func.coalesce(Article.working_version_id, Article.live_version_id),
                )
                .where(Article.archived_at.is_(None))
                .order_by(Article.id)
            )
        ).all()
    found: dict[tuple[str, str], tuple[Article, ArticleVersion]] = {}
    for article, version in rows:
        found.setdefault(_key(article.locale, version.title), (article, version))
    return found


async def import_documents(
    db: Database,
    actor: Principal,
    docs: list[Document],
    *,
    publish: bool,
    locales: tuple[str, ...] = articles.DEFAULT_LOCALES,
) -> Imported:
    """Validate everything first, then write; with publish, each goes straight through review.

    An article with the same locale and title is the same article: importing an export again (or an edited copy
    of it) adds a version where the content changed and leaves the rest alone, instead of a second article."""
    problems = []
    existing = await _existing(db)
    seen: dict[tuple[str, str], str] = {}
    planned: list[tuple[Document, Content, tuple[Article, ArticleVersion] | None]] = []
    for doc in docs:
        try:
            content = Content.parse(doc.data, where=f"{doc.source}: ")
            locale = doc.data.get("locale", "en")
            if locale not in locales:
                problems.append(f"{doc.source}: locale: one of {', '.join(locales)}")
            articles.parse_date(doc.data.get("review_by"))
        except KnowledgeError as exc:
            problems.append(str(exc) if str(exc).startswith(doc.source) else f"{doc.source}: {exc}")
            continue
        key = _key(str(locale), content.title)
        if key in seen:
            problems.append(f"{doc.source}: title: the same as {seen[key]}'s (one article per title and locale)")
        seen.setdefault(key, doc.source)
        match = existing.get(key)
        if match and match[1].status == "in_review":
            problems.append(f"{doc.source}: article {match[0].id} is in review; approve or reject it before importing")
        planned.append((doc, content, match))
    if problems:
        raise ImportError_(problems)
    done = Imported([], [], [], [])
    for doc, content, match in planned:
        article_id, outcome = await _write(db, actor, doc, content, match, publish, locales)
        done.ids.append(article_id)
        getattr(done, outcome).append(article_id)
        if publish and outcome != "unchanged":
            await articles.transition(db, actor, article_id, "submit")
            await articles.transition(db, actor, article_id, "approve", reason="imported")
    return done


async def _write(
    db: Database,
    actor: Principal,
    doc: Document,
    content: Content,
    match: tuple[Article, ArticleVersion] | None,
    publish: bool,
    locales: tuple[str, ...],
) -> tuple[int, Outcome]:
    """One document: a new article, a new version of its match (or its draft saved again), or nothing to do.
    Returns the article's id and which of Imported's lists it belongs in."""
    if match is None:
        return await articles.create(db, actor, doc.data, locales), "created"
    article, current = match
    draft = current.status == "draft"
    same_date = "review_by" not in doc.data or articles.parse_date(doc.data["review_by"]) == article.review_by
    if content == Content.of(current) and same_date:
        # The same content: nothing to write, unless it is a draft that publish=1 now takes live.
        return article.id, "updated" if draft and publish else "unchanged"
    revision = {"revision": current.revision} if draft else {}
    await articles.edit(db, actor, article.id, {**doc.data, **revision})
    return article.id, "updated"


async def export_live(db: Database) -> list[dict[str, Any]]:
    async with db.read() as s:
        rows = (
            await s.execute(
                select(Article, ArticleVersion)
                .join(ArticleVersion, ArticleVersion.id == Article.live_version_id)
                .order_by(Article.id)
            )
        ).all()
    return [
        {
            "id": a.id,
            "locale": a.locale,
            "title": v.title,
            "category": v.category,
            "tags": v.tags,
            "variants": v.variants,
            "short_answer": v.short_answer,
            "body": v.body_md,
            "review_by": a.review_by.isoformat() if a.review_by else None,
        }
        for a, v in rows
    ]


def to_markdown(item: dict[str, Any]) -> str:
    import frontmatter  # on export only, as in parse_markdown
    from frontmatter.default_handlers import YAMLHandler

    meta = {k: item[k] for k in FRONT_MATTER_FIELDS if item.get(k) not in (None, "", [])}
    post = frontmatter.Post(str(item["body"]), **meta)
    return frontmatter.dumps(post, handler=YAMLHandler(), sort_keys=False) + "\n"
