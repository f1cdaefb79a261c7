"""Read receipts end to end: a visitor's chat message is marked read once an agent opens the ticket in the
workspace (the console says `seen`), and not before — a background tab says nothing."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from hub.db.engine import Database
from tests.agent_console.workspace_kit import signed_in
from tests.browser_kit import BROWSER
from tests.conftest import Hub, make_agent
from tests.sockets import visitor

pytestmark = BROWSER


async def test_opening_a_chat_in_the_workspace_marks_the_visitors_messages_read(
    hub: Hub, db: Database, browser: Browser
) -> None:
    errors: list[str] = []
    await make_agent(db, "mei@example.test")
    guest = await visitor(hub.url, name="Chen Jing")
    await guest.next("session")
    first = await guest.call("message", {"text": "Is my order 1234 on its way?"})
    second = await guest.call("message", {"text": "It was due yesterday."})
    assert first["ok"] and second["ok"]

    page = await signed_in(browser, hub, "mei@example.test", "en", 1440, errors)
    # The list alone shows no chat: nothing is read yet.
    assert guest.events["read"].empty()
    await page.goto(f"{hub.url}/console/tickets/{second['ticket_id']}")
    conversation = page.get_by_role("list", name="Conversation", exact=True)
    await expect(conversation.get_by_text("It was due yesterday.")).to_be_visible()
    read = await guest.next("read", timeout=30)
    assert read == {"ticket_id": second["ticket_id"], "up_to": second["id"]}
    assert errors == []
    await page.context.close()
    await guest.close()
