"""Import and export of articles: JSON, or Markdown files with YAML front matter."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hub.agents.accounts import Principal
from hub.db.engine import Database
from hub.knowledge import articles
from hub.knowledge.content import Content, KnowledgeError
from hub.knowledge.tables import Article, ArticleVersion

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


async def import_documents(
    db: Database,
    actor: Principal,
    docs: list[Document],
    *,
    publish: bool,
    locales: tuple[str, ...] = articles.DEFAULT_LOCALES,
) -> list[int]:
    """Validate everything first, then create; with publish, each goes straight through review."""
    problems = []
    for doc in docs:
        try:
            Content.parse(doc.data, where=f"{doc.source}: ")
            if doc.data.get("locale", "en") not in locales:
                problems.append(f"{doc.source}: locale: one of {', '.join(locales)}")
            articles.parse_date(doc.data.get("review_by"))
        except KnowledgeError as exc:
            problems.append(str(exc) if str(exc).startswith(doc.source) else f"{doc.source}: {exc}")
    if problems:
        raise ImportError_(problems)
    ids = []
    for doc in docs:
        article_id = await articles.create(db, actor, doc.data, locales)
        if publish:
            await articles.transition(db, actor, article_id, "submit")
            await articles.transition(db, actor, article_id, "approve", reason="imported")
        ids.append(article_id)
    return ids


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
