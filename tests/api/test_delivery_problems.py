"""A failed delivery keeps its cause as a template and params in the reply's meta, beside the provider's words."""

from __future__ import annotations

from typing import Any

import aiohttp
from sqlalchemy import select

from hub.db.engine import Database
from hub.db.models import Interaction, Ticket
from tests.conftest import Hub
from tests.twilio_kit import CUSTOMER, FakeTwilio, post_signed, sms_params
from tests.waiting import until


async def reply(hub: Hub, token: str, ticket_id: int, text: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    path = f"{hub.url}/api/v1/tickets/{ticket_id}/replies"
    async with aiohttp.ClientSession(headers=headers) as http, http.post(path, json={"text": text}) as r:
        assert r.status == 201
        return int((await r.json())["interaction"]["id"])


async def settled(db: Database, interaction_id: int) -> Interaction:
    async def failed() -> bool:
        async with db.read() as s:
            return (await s.get_one(Interaction, interaction_id)).delivery_status == "failed"

    await until(failed)
    async with db.read() as s:
        return await s.get_one(Interaction, interaction_id)


async def test_twilio_refusals_and_callbacks_keep_their_cause(
    twilio_hub: Hub, db: Database, fake_twilio: FakeTwilio, admin_token: str
) -> None:
    await post_signed(f"{twilio_hub.url}/webhooks/twilio/sms", sms_params("hi"))
    async with db.read() as s:
        ticket_id = int(await s.scalar(select(Ticket.id)) or 0)
    # The provider refuses the send: an invalid number (21211), a permanent failure.
    fake_twilio.refuse[CUSTOMER] = (400, 21211, "The 'To' number is not a valid phone number.")
    row = await settled(db, await reply(twilio_hub, admin_token, ticket_id, "Hello"))
    assert row.meta["delivery_problem"] == {"key": "the phone number is not valid", "params": {}}
    assert row.delivery_error == "Twilio error 21211: invalid 'To' number"  # the provider's words, as detail
    # An unknown code is named by its number.
    fake_twilio.refuse[CUSTOMER] = (400, 21999, "Something else")
    row = await settled(db, await reply(twilio_hub, admin_token, ticket_id, "Hello again"))
    assert row.meta["delivery_problem"] == {
        "key": "the SMS provider refused it (error %(code)s)",
        "params": {"code": 21999},
    }
    # Sent, then the carrier's callback says the phone was unreachable (30003).
    del fake_twilio.refuse[CUSTOMER]
    sent_id = await reply(twilio_hub, admin_token, ticket_id, "Third try")

    async def sent() -> bool:
        return any(m["Body"] == "Third try" for m in fake_twilio.sent)

    await until(sent)
    message = next(m for m in fake_twilio.sent if m["Body"] == "Third try")
    params = {"MessageSid": message["sid"], "MessageStatus": "undelivered", "ErrorCode": "30003", "To": CUSTOMER}
    assert (await post_signed(message["StatusCallback"], params))[0] == 204
    row = await settled(db, sent_id)
    problem: dict[str, Any] = row.meta["delivery_problem"]
    assert problem == {"key": "the phone is unreachable (switched off or out of coverage)", "params": {}}
    # The console reads it with the ticket.
    headers = {"Authorization": f"Bearer {admin_token}"}
    path = f"{twilio_hub.url}/api/v1/tickets/{ticket_id}"
    async with aiohttp.ClientSession(headers=headers) as http, http.get(path) as r:
        listed = {i["id"]: i for i in (await r.json())["interactions"]}
    assert listed[sent_id]["meta"]["delivery_problem"] == problem
    assert listed[sent_id]["delivery_error"] == "Twilio error 30003: unreachable handset"
