"""Knowledge transfer: the export is an import body, Markdown front matter survives dashes, a CLI import reaches
a running hub's suggestions, and an article's owner can be handed on (audited)."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from hub import keys
from hub.agents.accounts import Principal, create_token
from hub.app import create_app
from hub.db.engine import Database
from hub.db.models import AuditEntry
from hub.knowledge import articles
from hub.knowledge.cli import read_documents, write_markdown
from hub.knowledge.transfer import FRONT_MATTER_FIELDS, ImportError_, parse_markdown, to_markdown
from hub.settings import Settings
from tests.app.test_cli import run_hub
from tests.conftest import Copies, Hub, make_agent, make_token
from tests.knowledge.test_knowledge import SEED, Api
from tests.waiting import until

DASHES = {
    "locale": "en",
    "title": "Returns --- the short version",
    "short_answer": "Send it back within 30 days --- no questions asked.",
    "category": "returns",
    "tags": ["returns", "---"],
    "variants": ["can I send it back --- and how"],
    "body": "Pack the item.\n\n---\n\nThen print the label --- it is free.\n\n---\nDone.",
    "review_by": "2099-01-31",
}


def _content(export: dict[str, Any]) -> list[dict[str, Any]]:
    """An export without its ids (a fresh hub numbers articles itself), in a stable order."""
    items = [{k: v for k, v in a.items() if k != "id"} for a in export["articles"]]
    return sorted(items, key=lambda a: (a["locale"], a["title"]))


@pytest.fixture
async def fresh_hub(
    settings: Settings, tmp_path: Path, database_copies: Copies, aiohttp_server: Callable[..., Any]
) -> AsyncIterator[Hub]:
    """A second hub on a new database of the same kind as this test's."""
    postgres = None if settings.database_url.startswith("sqlite") else database_copies.postgres
    url = await postgres.fresh() if postgres else await database_copies.sqlite.fresh(tmp_path / "fresh.db")
    other = dataclasses.replace(settings, database_url=url)
    app = create_app(other)
    server = await aiohttp_server(app)
    yield Hub(server, app, other)
    await server.close()  # before its database goes
    if postgres:
        await postgres.drop(url)


async def test_export_is_an_import_body_and_a_fresh_hub_exports_the_same(
    hub: Hub, db: Database, fresh_hub: Hub
) -> None:
    km = Api(hub, await make_token(db, "knowledge_manager"))
    status, body = await km.call("POST", "/api/v1/knowledge/import?publish=1", [*SEED, DASHES])
    assert status == 201 and len(body["imported"]) == len(SEED) + 1
    _, first = await km.call("GET", "/api/v1/knowledge/export")
    assert len(first["articles"]) == len(SEED) + 1

    async with fresh_hub.app[keys.DB].write() as uow:
        token = await create_token(uow.session, role="knowledge_manager", name="round-trip")
    fresh = Api(fresh_hub, token)
    assert (await fresh.call("GET", "/api/v1/knowledge/export"))[1]["articles"] == []
    status, body = await fresh.call("POST", "/api/v1/knowledge/import?publish=1", first)  # the export as it is
    assert status == 201, body
    _, again = await fresh.call("GET", "/api/v1/knowledge/export")
    assert _content(again) == _content(first)
    [dashes] = [a for a in again["articles"] if a["title"] == DASHES["title"]]
    assert {k: dashes[k] for k in DASHES} == DASHES
    _, found = await fresh.call("GET", "/api/v1/knowledge/suggest?q=can+I+send+it+back")
    assert found["suggestions"][0]["title"] == DASHES["title"]  # the importing hub indexed them at once


def test_markdown_keeps_dashes_in_front_matter_and_body(tmp_path: Path) -> None:
    item = {"id": 7, **DASHES}
    text = to_markdown(item)
    assert text.startswith("---\ntitle: Returns --- the short version\n")
    parsed = parse_markdown("returns.md", text).data
    assert parsed == {k: DASHES[k] for k in (*FRONT_MATTER_FIELDS, "body") if k in DASHES}
    write_markdown(tmp_path, [item, {**item, "id": 8, "title": "第二篇 --- 中文", "locale": "zh-CN"}])
    docs = read_documents([str(tmp_path)])
    assert [d.data["title"] for d in docs] == [DASHES["title"], "第二篇 --- 中文"]
    assert all(d.data["body"] == DASHES["body"] for d in docs)
    # An editor's byte-order mark and Windows line ends are no content.
    assert parse_markdown("bom.md", "\ufeff" + text.replace("\n", "\r\n")).data["title"] == DASHES["title"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("title: no block\n\nbody", "must start with a '---' YAML block"),
        ("---\ntitle: never closed\n", "never closed"),
        ("---\n- a\n- list\n---\nbody", "expected key: value pairs"),
        ("---\ntitle: [unclosed\n---\nbody", "not valid YAML"),
        ("---\ntitle: x\nauthor: me\n---\nbody", "author: unknown field"),
    ],
)
def test_markdown_problems_name_the_file(text: str, problem: str) -> None:
    with pytest.raises(ImportError_) as caught:
        parse_markdown("kb/a.md", text)
    assert caught.value.problems[0].startswith("kb/a.md: ") and problem in caught.value.problems[0]


async def test_articles_imported_by_the_cli_are_suggested_by_the_running_hub(
    hub: Hub, db: Database, tmp_path: Path
) -> None:
    agent = Api(hub, await make_token(db, "agent"))
    query = "/api/v1/knowledge/suggest?q=can+I+send+it+back+and+how"
    assert (await agent.call("GET", query))[1]["suggestions"] == []
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "returns.md").write_text(to_markdown(DASHES), encoding="utf-8")
    env = {**os.environ, "HUB_DATABASE_URL": hub.settings.database_url}
    done = await asyncio.to_thread(run_hub, "kb", "import", str(tmp_path / "kb"), "--publish", env=env)
    assert done.returncode == 0 and "imported 1 article(s) and published them" in done.stdout, done.stderr

    async def suggested() -> bool:
        found = (await agent.call("GET", query))[1]["suggestions"]
        return bool(found) and found[0]["title"] == DASHES["title"]

    await until(suggested, timeout=20, what="the running hub to suggest the article the CLI imported")

    # Archived elsewhere (here: straight in the database, as another process would): suggested no more.
    km = Api(hub, await make_token(db, "knowledge_manager"))
    [item] = (await km.call("GET", "/api/v1/knowledge/export"))[1]["articles"]
    other = Database(hub.settings.database_url, type(db.bus)())
    try:
        elsewhere = Principal(kind="cli", id=0, role="admin", name="elsewhere")
        await articles.transition(other, elsewhere, item["id"], "archive")
    finally:
        await other.dispose()

    async def gone() -> bool:
        found: list[Any] = (await agent.call("GET", query))[1]["suggestions"]
        return found == []

    await until(gone, timeout=20, what="the running hub to drop the article archived elsewhere")


async def test_the_owner_of_an_article_can_be_changed_and_it_is_audited(hub: Hub, db: Database) -> None:
    km = Api(hub, await make_token(db, "knowledge_manager"))
    ann = await make_agent(db, "ann@x.test")
    status, art = await km.call("POST", "/api/v1/knowledge/articles", DASHES)
    assert status == 201 and art["owner_id"] is None  # a token has no agent to own it
    url = f"/api/v1/knowledge/articles/{art['id']}/owner"
    status, changed = await km.call("PUT", url, {"owner_id": ann.id})
    assert status == 200 and changed["owner_id"] == ann.id
    _, mine = await km.call("GET", f"/api/v1/knowledge/articles?owner_id={ann.id}")
    assert [a["id"] for a in mine["articles"]] == [art["id"]]
    assert (await km.call("PUT", url, {"owner_id": 999_999}))[0] == 400
    assert (await km.call("PUT", url, {}))[0] == 422
    assert (await km.call("PUT", "/api/v1/knowledge/articles/999999/owner", {"owner_id": ann.id}))[0] == 404
    agent = Api(hub, await make_token(db, "agent"))
    assert (await agent.call("PUT", url, {"owner_id": None}))[0] == 403
    status, cleared = await km.call("PUT", url, {"owner_id": None})
    assert status == 200 and cleared["owner_id"] is None
    async with db.read() as s:
        trail = list(
            await s.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "article.owner_changed", AuditEntry.target_id == art["id"])
                .order_by(AuditEntry.id)
            )
        )
    assert [(e.details["before"], e.details["after"]) for e in trail] == [(None, ann.id), (ann.id, None)]
    assert all(e.actor_kind == "token" for e in trail)
