"""Replies survive a provider outage: retrying with a next attempt time, sent once the provider is back,
failed only at the channel's maximum age, and sent again on an agent's request."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import aiohttp
from sqlalchemy import select, update

from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import AuditEntry, Interaction, OutboxItem, Ticket
from hub.settings import Settings
from tests.conftest import Hub, make_token
from tests.console_kit import console
from tests.mail_kit import call_api, started_mail_hub
from tests.twilio_kit import CUSTOMER, FakeTwilio, post_signed, sms_params
from tests.waiting import until


async def api(hub: Hub, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        return r.status, await r.json() if r.content_type == "application/json" else await r.text()


async def status_of(db: Database, interaction_id: int) -> Interaction:
    async with db.read() as s:
        return await s.get_one(Interaction, interaction_id)


async def reaches(db: Database, interaction_id: int, wanted: str) -> Interaction:
    async def there() -> bool:
        return (await status_of(db, interaction_id)).delivery_status == wanted

    await until(there)
    return await status_of(db, interaction_id)


async def time_passes(db: Database, interaction_id: int, *, age: timedelta = timedelta(0)) -> None:
    """The next try is due now; the reply was written `age` ago (instead of waiting for real)."""
    async with db.write() as uow:
        await uow.session.execute(
            update(OutboxItem)
            .where(OutboxItem.interaction_id == interaction_id)
            .values(next_attempt_at=utcnow() - timedelta(seconds=1), created_at=utcnow() - age)
        )


async def test_sms_reply_through_a_twilio_outage(
    twilio_hub: Hub, db: Database, fake_twilio: FakeTwilio, admin_token: str
) -> None:
    await post_signed(f"{twilio_hub.url}/webhooks/twilio/sms", sms_params("where is my parcel?"))
    async with db.read() as s:
        ticket_id = await s.scalar(select(Ticket.id))
    fake_twilio.refuse[CUSTOMER] = (503, 20500, "Service Unavailable")
    agent = await make_token(db, "agent")
    status, body = await api(twilio_hub, "POST", f"/api/v1/tickets/{ticket_id}/replies", agent, {"text": "On its way"})
    assert status == 201
    first = body["interaction"]["id"]

    # Down: retrying, with the reason and the next attempt time, in the database and the API.
    row = await reaches(db, first, "retrying")
    assert row.delivery_error and row.delivery_next_attempt_at is not None
    _, detail = await api(twilio_hub, "GET", f"/api/v1/tickets/{ticket_id}", agent)
    shown = next(i for i in detail["interactions"] if i["id"] == first)
    assert shown["delivery_status"] == "retrying" and shown["delivery_error"] == row.delivery_error
    assert shown["delivery_next_attempt_at"] is not None

    # Back: the next try goes out and the reply is sent; nothing was lost.
    del fake_twilio.refuse[CUSTOMER]
    await time_passes(db, first)
    row = await reaches(db, first, "sent")
    assert row.delivery_error is None and row.delivery_next_attempt_at is None
    assert [m["Body"] for m in fake_twilio.sent] == ["On its way"]

    # Down for longer than SMS's maximum age (4 hours): failed, and only then.
    fake_twilio.refuse[CUSTOMER] = (503, 20500, "Service Unavailable")
    _, body = await api(twilio_hub, "POST", f"/api/v1/tickets/{ticket_id}/replies", agent, {"text": "Still there?"})
    second = body["interaction"]["id"]
    await reaches(db, second, "retrying")
    await time_passes(db, second, age=timedelta(hours=3, minutes=59))
    async with db.read() as s:
        tries = await s.scalar(select(OutboxItem.attempts).where(OutboxItem.interaction_id == second))

    async def tried_again() -> bool:
        async with db.read() as s:
            return bool(await s.scalar(select(OutboxItem.attempts).where(OutboxItem.interaction_id == second)) != tries)

    await until(tried_again)
    assert (await reaches(db, second, "retrying")).delivery_next_attempt_at is not None
    await time_passes(db, second, age=timedelta(hours=4, seconds=1))
    failed = await reaches(db, second, "failed")
    assert failed.delivery_error and failed.delivery_next_attempt_at is None

    # Send again, on a reply that failed for good: queued, tried at once, sent now that Twilio is back.
    del fake_twilio.refuse[CUSTOMER]
    status, body = await api(twilio_hub, "POST", f"/api/v1/messages/{second}/retry", agent)
    assert status == 202 and body["interaction"]["delivery_status"] in ("queued", "sent")
    await reaches(db, second, "sent")
    assert [m["Body"] for m in fake_twilio.sent] == ["On its way", "Still there?"]
    async with db.read() as s:
        item = await s.scalar(select(OutboxItem).where(OutboxItem.interaction_id == second))
        audit = await s.scalar(select(AuditEntry).where(AuditEntry.action == "message.sent_again"))
    assert item is not None and item.requeued_at is not None and audit is not None and audit.target_id == second

    # What cannot be sent again says why, never a 500.
    assert (await api(twilio_hub, "POST", f"/api/v1/messages/{second}/retry", agent))[0] == 409  # sent: a duplicate
    async with db.read() as s:
        inbound = await s.scalar(select(Interaction.id).where(Interaction.direction == "inbound"))
    for bad in (str(inbound), "999999", "abc", "-1", "0", "99999999999999999999999"):
        assert (await api(twilio_hub, "POST", f"/api/v1/messages/{bad}/retry", agent))[0] == 404, bad
    km = await make_token(db, "knowledge_manager")
    assert (await api(twilio_hub, "POST", f"/api/v1/messages/{second}/retry", km))[0] == 403


async def test_retry_now_skips_the_wait_of_a_retrying_reply(
    twilio_hub: Hub, db: Database, fake_twilio: FakeTwilio, admin_token: str
) -> None:
    await post_signed(f"{twilio_hub.url}/webhooks/twilio/sms", sms_params("hello?"))
    async with db.read() as s:
        ticket_id = await s.scalar(select(Ticket.id))
    fake_twilio.refuse[CUSTOMER] = (503, 20500, "Service Unavailable")
    _, body = await api(twilio_hub, "POST", f"/api/v1/tickets/{ticket_id}/replies", admin_token, {"text": "Hi!"})
    reply = body["interaction"]["id"]
    await reaches(db, reply, "retrying")
    # Its next try is far off (the waits have grown); the provider is back and the agent will not wait.
    async with db.write() as uow:
        await uow.session.execute(
            update(OutboxItem)
            .where(OutboxItem.interaction_id == reply)
            .values(next_attempt_at=utcnow() + timedelta(minutes=30))
        )
    del fake_twilio.refuse[CUSTOMER]
    assert (await api(twilio_hub, "POST", f"/api/v1/messages/{reply}/retry", admin_token))[0] == 202
    await reaches(db, reply, "sent")


async def test_email_reply_through_a_relay_that_refuses_for_now(
    settings: Settings, aiohttp_server: Any, db: Database
) -> None:
    async with started_mail_hub(settings, aiohttp_server) as mail_hub:
        hub, relay = mail_hub.hub, mail_hub.relay
        raw = b"From: Bob <bob@example.com>\r\nTo: support@hub.test\r\nSubject: Help\r\nMessage-ID: <b1@example.com>"
        raw += b"\r\n\r\nHi"
        await mail_hub.send(raw, sender="bob@example.com")
        await relay.next()  # the acknowledgement
        async with db.read() as s:
            ticket_id = await s.scalar(select(Ticket.id))
        relay.refuse_with = "451 4.3.0 mailbox busy, try later"
        token = await make_token(db, "agent")
        path = f"/api/v1/tickets/{ticket_id}/replies"
        status, body = await call_api(hub, token, "POST", path, json={"text": "Hi Bob"})
        assert status == 201
        reply = body["interaction"]["id"]
        row = await reaches(db, reply, "retrying")
        assert "451" in (row.delivery_error or "") and row.delivery_next_attempt_at is not None
        # Twenty hours of refusals later the reply is still being retried: e-mail waits up to a day.
        await time_passes(db, reply, age=timedelta(hours=20))
        await until(lambda: _attempts_at_least(db, reply, 2))
        assert (await reaches(db, reply, "retrying")).delivery_next_attempt_at is not None
        relay.refuse_with = None
        await time_passes(db, reply, age=timedelta(hours=20))
        await reaches(db, reply, "sent")
        assert (await relay.next())["Subject"].startswith("Re: Help")


async def _attempts_at_least(db: Database, interaction_id: int, n: int) -> bool:
    async with db.read() as s:
        tries = await s.scalar(select(OutboxItem.attempts).where(OutboxItem.interaction_id == interaction_id))
    return (tries or 0) >= n


async def test_the_console_shows_retrying_with_its_next_attempt_and_sends_again(
    twilio_hub: Hub, db: Database, fake_twilio: FakeTwilio
) -> None:
    await post_signed(f"{twilio_hub.url}/webhooks/twilio/sms", sms_params("anyone?"))
    async with db.read() as s:
        ticket_id = await s.scalar(select(Ticket.id))
    fake_twilio.refuse[CUSTOMER] = (503, 20500, "Service Unavailable")
    async with console(twilio_hub, db, "ann@example.com") as ann:
        await ann.page(f"/console/tickets/{ticket_id}")
        status, body = await ann.api("POST", f"/api/v1/tickets/{ticket_id}/replies", {"text": "Yes, here"})
        assert status == 201
        reply = body["interaction"]["id"]
        await reaches(db, reply, "retrying")
        # What the workspace draws from: the state with its next attempt (it offers "Send again now" for it).
        _, seen = await ann.api("GET", f"/api/v1/console/tickets/{ticket_id}")
        [line] = [i for i in seen["interactions"] if i["id"] == reply]
        assert line["delivery_status"] == "retrying" and line["delivery_next_attempt_at"]
        async with ann.http.post(f"{twilio_hub.url}/console/locale", data={"locale": "zh-CN", "csrf": ann.csrf}):
            pass
        _, html = await ann.page(f"/console/tickets/{ticket_id}")
        strings = json.loads(html.split('<script id="i18n" type="application/json">')[1].split("</script>")[0])
        said = [strings["strings"][m] for m in ("retrying", "next attempt at %(time)s", "Send again now")]
        assert "重试中" in said[0] and "下次尝试" in said[1] and "立即重新发送" in said[2]
        # The button's request, from the signed-in console (session and CSRF token), as the page sends it.
        del fake_twilio.refuse[CUSTOMER]
        assert (await ann.api("POST", f"/api/v1/messages/{reply}/retry"))[0] == 202
        await reaches(db, reply, "sent")
        _, seen = await ann.api("GET", f"/api/v1/console/tickets/{ticket_id}")
        assert [i["delivery_status"] for i in seen["interactions"] if i["id"] == reply] == ["sent"]
