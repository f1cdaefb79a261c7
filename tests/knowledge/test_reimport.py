"""Importing again: the same locale and title is the same article, so an export imported twice (or an edited copy
of it) adds versions where content changed and never a second article; conflicts are refused before anything."""

from __future__ import annotations

import copy
from typing import Any

from hub.db.engine import Database
from tests.conftest import Hub, make_token
from tests.knowledge.test_knowledge import SEED, Api


async def _live(km: Api) -> list[dict[str, Any]]:
    _, export = await km.call("GET", "/api/v1/knowledge/export")
    return list(export["articles"])


async def test_an_export_imported_again_changes_nothing_and_an_edited_copy_adds_versions(
    hub: Hub, db: Database
) -> None:
    km = Api(hub, await make_token(db, "knowledge_manager"))
    status, first = await km.call("POST", "/api/v1/knowledge/import?publish=1", SEED)
    assert status == 201 and len(first["created"]) == len(SEED) and first["updated"] == first["unchanged"] == []
    before = await _live(km)

    status, again = await km.call("POST", "/api/v1/knowledge/import?publish=1", {"articles": before})
    assert status == 201 and again["created"] == again["updated"] == []
    assert sorted(again["unchanged"]) == sorted(first["imported"])
    assert await _live(km) == before  # no second copy, no new version

    edited = copy.deepcopy(before)
    edited[0]["short_answer"] += " Ask us if in doubt."
    edited[1]["title"] = "  " + edited[1]["title"].upper() + " "  # the same title, written differently
    edited[1]["body"] += "\n\nUpdated."
    status, third = await km.call("POST", "/api/v1/knowledge/import?publish=1", {"articles": edited})
    assert status == 201 and third["created"] == []
    assert third["updated"] == [before[0]["id"], before[1]["id"]]
    after = {a["id"]: a for a in await _live(km)}
    assert len(after) == len(before)
    assert after[before[0]["id"]]["short_answer"].endswith("Ask us if in doubt.")
    assert after[before[1]["id"]]["body"].endswith("Updated.")
    _, versions = await km.call("GET", f"/api/v1/knowledge/articles/{before[0]['id']}/versions")
    assert [v["status"] for v in versions["versions"]] == ["superseded", "published"]


async def test_a_draft_import_over_a_live_article_waits_for_review(hub: Hub, db: Database) -> None:
    km = Api(hub, await make_token(db, "knowledge_manager"))
    await km.call("POST", "/api/v1/knowledge/import?publish=1", SEED[:1])
    [live] = await _live(km)
    status, done = await km.call("POST", "/api/v1/knowledge/import", {**live, "body": live["body"] + "\n\nMore."})
    assert status == 201 and done["updated"] == [live["id"]]
    assert await _live(km) == [live]  # the live answer stays until the draft is approved
    _, article = await km.call("GET", f"/api/v1/knowledge/articles/{live['id']}")
    assert article["working"]["status"] == "draft" and article["working"]["body"].endswith("More.")
    # The same draft imported again is unchanged; with publish=1 it goes live.
    _, same = await km.call("POST", "/api/v1/knowledge/import", {**live, "body": live["body"] + "\n\nMore."})
    assert same["unchanged"] == [live["id"]]
    _, published = await km.call(
        "POST", "/api/v1/knowledge/import?publish=1", {**live, "body": live["body"] + "\n\nMore."}
    )
    assert published["updated"] == [live["id"]]
    assert (await _live(km))[0]["body"].endswith("More.")


async def test_conflicting_imports_are_refused_whole(hub: Hub, db: Database) -> None:
    km = Api(hub, await make_token(db, "knowledge_manager"))
    await km.call("POST", "/api/v1/knowledge/import?publish=1", SEED[:1])
    [live] = await _live(km)
    twice = [{**SEED[1]}, {**SEED[1], "body": "another body"}]
    status, body = await km.call("POST", "/api/v1/knowledge/import", twice)
    assert status == 400 and "one article per title and locale" in str(body)
    await km.call("POST", "/api/v1/knowledge/import", {**live, "body": "changed"})
    status, _ = await km.call("POST", f"/api/v1/knowledge/articles/{live['id']}/submit")
    assert status == 200
    status, body = await km.call("POST", "/api/v1/knowledge/import", [SEED[1], {**live, "body": "changed again"}])
    assert status == 400 and "is in review" in str(body)
    assert len(await _live(km)) == 1  # nothing of the refused imports was written
    _, export = await km.call("GET", "/api/v1/knowledge/export")
    assert [a["title"] for a in export["articles"]] == [live["title"]]
