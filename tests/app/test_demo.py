"""`hub demo` at its best: replies by e-mail reach the demo's own mail sink (and the console shows them), and the
demo tickets keep the tier table's promises, as real ones do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import select

from hub.agent_console.demo_outbox_page import install
from hub.agents.accounts import principal_for_session
from hub.app import create_app
from hub.db.engine import Database
from hub.db.models import Agent, Customer, Interaction, Ticket
from hub.ops.demo import CUSTOMERS, seed
from hub.ops.demo_outbox import PAGE, DemoOutbox
from hub.routing.config import load_routing
from hub.settings import Settings
from tests.conftest import make_session
from tests.waiting import until


async def test_demo_tickets_take_their_due_times_from_the_tier_table(settings: Settings, db: Database) -> None:
    await seed(settings)
    policy = load_routing(Path(settings.routing_config))
    async with db.read() as s:
        rows = (await s.execute(select(Ticket, Customer).join(Customer, Ticket.customer_id == Customer.id))).all()
    assert {customer.tier for _t, customer in rows} == {tier for _n, tier, *_ in CUSTOMERS}
    for ticket, customer in rows:
        first, resolution = policy.sla_minutes(customer.tier, ticket.channel)
        assert first and resolution  # the shipped table names every demo tier's targets
        assert ticket.first_response_due_at == ticket.created_at + timedelta(minutes=first), (
            customer.tier,
            ticket.channel,
        )
        assert ticket.resolution_due_at == ticket.created_at + timedelta(minutes=resolution)
    # For most of these tickets the table differs from the flat defaults: the check above tells the two apart.
    defaults = (settings.sla_first_response_minutes, settings.sla_resolution_minutes)
    assert sum(policy.sla_minutes(c.tier, t.channel) != defaults for t, c in rows) >= 3


async def test_a_demo_reply_by_email_is_sent_to_the_sink_and_shown_in_the_console(
    settings: Settings, db: Database, aiohttp_server: Callable[..., Any]
) -> None:
    outbox = DemoOutbox()
    settings = outbox.relay_for(settings)
    await seed(settings)
    server = await aiohttp_server(install(create_app(settings), outbox))
    url = str(server.make_url("")).rstrip("/")
    async with db.read() as s:
        sam = await s.scalar(select(Agent).where(Agent.email == "sam@demo.hub"))
        ticket = await s.scalar(
            select(Ticket.id)
            .join(Customer, Ticket.customer_id == Customer.id)
            .where(Customer.display_name == "Maria Garcia", Ticket.channel == "email")
        )
    assert sam is not None and ticket is not None
    session = await make_session(db, sam)
    async with db.read() as s:
        principal = await principal_for_session(s, session)
    assert principal is not None and principal.csrf_token
    async with aiohttp.ClientSession(cookies={"hub_session": session}) as http:
        async with http.post(
            f"{url}/api/v1/tickets/{ticket}/replies",
            json={"text": "Please update the app: version 4.2 fixes the crash."},
            headers={"X-CSRF-Token": principal.csrf_token},
        ) as r:
            assert r.status == 201, await r.text()
            reply = (await r.json())["interaction"]["id"]

        async def sent() -> bool:
            async with db.read() as s:
                message = await s.get(Interaction, reply)
            assert message is not None
            assert message.delivery_status != "failed", message.delivery_error
            return message.delivery_status == "sent"

        await until(sent, what="the reply to be sent")
        [mail] = await outbox.wait_for(1)
        assert mail.rcpt_tos == ("maria@example.com",)
        assert f"[#{ticket}]" in mail.subject and "version 4.2 fixes the crash" in mail.text
        async with db.read() as s:
            message = await s.get(Interaction, reply)
        assert message is not None and message.external_id == mail.message_id
        # The console: a link in the top bar, and the page with what the customer would have received.
        async with http.get(f"{url}/console") as r:
            assert f'href="{PAGE}"' in await r.text()
        async with http.get(f"{url}{PAGE}") as r:
            assert r.status == 200
            page = await r.text()
        assert "maria@example.com" in page and "version 4.2 fixes the crash" in page and mail.subject in page
    async with aiohttp.ClientSession() as anonymous, anonymous.get(f"{url}{PAGE}", allow_redirects=False) as r:
        assert r.status == 302  # behind the console's sign-in, like every console page
