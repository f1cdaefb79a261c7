"""The wallboard over HTTP and sockets: the shell page hands the browser agents, queues and tiers; the state
counts answers given today; a reassignment from the board reaches the agent's own console."""

from __future__ import annotations

import json

from hub.db.engine import Database
from tests.conftest import Hub
from tests.console_kit import console, contact
from tests.sockets import agent_socket


def _strings(html: str) -> dict[str, str]:
    found = json.loads(html.split('<script id="i18n" type="application/json">')[1].split("</script>")[0])
    return dict(found["strings"])


async def test_the_wallboard_shell_hands_the_page_what_it_draws(hub: Hub, db: Database) -> None:
    async with console(hub, db, "sue@example.test", "supervisor") as sue:
        status, html = await sue.page("/console/wallboard")
        assert status == 200 and '<script type="module" src="/static/app/supervisor.js">' in html
        boot = json.loads(html.split('<script id="boot" type="application/json">')[1].split("</script>")[0])
        assert boot["page"] == "wallboard" and {"id": sue.agent.id, "name": "sue"} in boot["agents"]
        assert boot["queues"]["general"] and boot["tiers"][0] == "diamond"
        assert _strings(html)["Answered today"] == "Answered today"
        await sue.http.post(f"{hub.url}/console/locale", data={"locale": "zh-CN", "csrf": sue.csrf})
        status, html = await sue.page("/console/wallboard")
        assert _strings(html)["Answered today"] == "今日已响应" and '<html lang="zh-CN">' in html


async def test_a_reassignment_from_the_board_reaches_the_agents_console(hub: Hub, db: Database) -> None:
    """The ticket event reaches the agent's own room (whatever their queues), marked as a person's assignment:
    their workspace turns it into an "Assigned to you" notification (web/console/notices.ts)."""
    async with console(hub, db, "sue@example.test", "supervisor") as sue, console(hub, db, "zhao@example.test") as zhao:
        sock = await agent_socket(hub.url, zhao.session_token)
        try:
            assert (await sock.call("status", {"status": "busy"}))["ok"]  # else routing offers it to them first
            ticket = await contact(hub, "wrong invoice", who="inv@example.com")
            status, _ = await sue.api("PATCH", f"/api/v1/tickets/{ticket}", {"assignee_id": zhao.agent.id})
            assert status == 200
            event = await sock.next_matching(
                "ticket", lambda p: p["ticket"]["id"] == ticket and p["ticket"]["assignee_id"] == zhao.agent.id
            )
            assert "state" not in event["ticket"]["assignment"]  # a person's assignment, not routing's offer
            assert event["ticket"]["assignment"]["by"] == "sue"
        finally:
            await sock.close()
        status, wall = await sue.api("GET", "/api/v1/console/wallboard")
        assert status == 200 and wall["waiting"] == [] and "event_id" in wall


async def test_each_agent_on_the_board_says_since_when_they_are_in_their_state(hub: Hub, db: Database) -> None:
    """The time in state is the server's: it restarts when the status changes, not when the same one is set
    again, and every supervisor's board (in any process) reads the same instant."""

    async def since_of(agent_id: int) -> tuple[str, str | None]:
        status, wall = await sue.api("GET", "/api/v1/console/wallboard")
        assert status == 200
        row = next(a for a in wall["staff"] if a["id"] == agent_id)
        return row["status"], row["since"]

    async with console(hub, db, "sue@example.test", "supervisor") as sue, console(hub, db, "zhao@example.test") as zhao:
        sock = await agent_socket(hub.url, zhao.session_token)
        try:
            state, opened = await since_of(zhao.agent.id)
            assert state == "available" and opened is not None
            assert (await sock.call("status", {"status": "busy"}))["ok"]
            state, busy = await since_of(zhao.agent.id)
            assert state == "busy" and busy is not None and busy >= opened
            assert (await sock.call("status", {"status": "busy"}))["ok"]  # the same status again
            assert await since_of(zhao.agent.id) == ("busy", busy)
        finally:
            await sock.close()
