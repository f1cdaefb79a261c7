"""A merge takes the files on the merged ticket's messages along: the target shows them and they still download."""

from __future__ import annotations

import aiohttp

from hub.db.engine import Database
from tests.conftest import Hub
from tests.console_kit import console
from tests.tickets.test_merge import two_tickets


async def test_files_move_with_their_messages_and_still_download(hub: Hub, db: Database) -> None:
    source, target = await two_tickets(hub, "ling@example.com")
    async with console(hub, db, "fang@example.test", "supervisor") as c:
        form = aiohttp.FormData()
        form.add_field("file", "收据 receipt".encode(), filename="收据.txt", content_type="text/plain")
        async with c.http.post(f"{hub.url}/api/v1/attachments", data=form, headers={"X-CSRF-Token": c.csrf}) as r:
            assert r.status == 201
            stored = (await r.json())["attachment"]
        note = {"text": "the customer's receipt", "internal": True, "attachments": [stored]}
        status, body = await c.api("POST", f"/api/v1/tickets/{source}/replies", note)
        assert status == 201
        noted = body["interaction"]["id"]
        status, body = await c.api("POST", f"/api/v1/tickets/{source}/merge", {"into": target})
        assert status == 200 and body["moved"] == 2
        _, merged = await c.api("GET", f"/api/v1/tickets/{target}")
        [moved] = [i for i in merged["interactions"] if i["id"] == noted]
        assert [(a["filename"], a["storage_key"]) for a in moved["attachments"]] == [
            ("收据.txt", stored["storage_key"])
        ]
        _, pointer = await c.api("GET", f"/api/v1/tickets/{source}")
        assert all(not i["attachments"] for i in pointer["interactions"])
        async with c.http.get(f"{hub.url}/api/v1/attachments/{stored['storage_key']}") as r:
            assert r.status == 200 and await r.read() == "收据 receipt".encode()
