"""Who a chat visitor is: the pre-chat form's claims and the website's signed identity (HMAC-SHA256 hash)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from hub import keys
from hub.app import create_app
from hub.channels.base import InboundRejected
from hub.channels.webchat.channel import visitor_key
from hub.channels.webchat.config import WebchatConfig, webchat_config
from hub.channels.webchat.identity import signature
from hub.customers.identities import normalize
from hub.db.engine import Database
from hub.db.models import Customer, Identity, Interaction, Ticket
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.settings import Settings, SettingsError, load_settings
from tests.channels.webchat.raw import webchat_raw
from tests.conftest import Hub, make_agent, make_session, make_token
from tests.sockets import Probe, visitor

SHOP_SECRET = "shop-identity-secret-7f3a9c1e5b2d"
JANE = "jane.doe@example.com"


@pytest.fixture
async def shop(settings: Settings, aiohttp_server: Callable[..., Any]) -> Hub:
    """A hub whose "shop" widget has an identity secret (the "default" one has none)."""
    custom = settings.with_channel("webchat", WebchatConfig(identity_secrets={"shop": SHOP_SECRET}))
    app = create_app(custom)
    return Hub(await aiohttp_server(app), app, custom)


async def known_customer(hub: Hub) -> int:
    """Jane, known from e-mail, with a private order on record and an earlier chat of her own."""
    ingest = hub.app[keys.INGESTOR]
    mail = InboundEnvelope(
        channel="email",
        external_id="<order-88231@mail.example.com>",
        sender=IdentityRef("email", JANE),
        sender_name="Jane Doe",
        subject="Order 88231",
        text="Please deliver order 88231 to 5 Elm Street, my door code is 4411.",
    )
    return (await ingest.ingest(mail)).ticket.customer_id


async def jane_chats_herself(hub: Hub, db: Database, customer_id: int) -> Probe:
    """Jane's own browser: its chat identity belongs to her, with a chat she wrote earlier (still open)."""
    token = "v1.janes-own-browser-token-0001"
    key = visitor_key(token)
    async with db.write() as uow:
        uow.session.add(Identity(customer_id=customer_id, kind="webchat", value=key, verified=True))
    own = await visitor(hub.url, visitor_token=token)
    assert (await own.next("session"))["resumed"] is True
    assert (await own.call("message", {"text": "my old chat: the gift note says 'for Tom'", "client_id": "old-1"}))[
        "ok"
    ]
    return own


async def api(hub: Hub, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http,
        http.request(method, f"{hub.url}{path}", json=body) as r,
    ):
        return r.status, await r.json() if r.content_type == "application/json" else await r.text()


async def test_an_unsigned_pre_chat_email_joins_the_customer_unverified_and_shows_the_visitor_nothing_of_theirs(
    hub: Hub, db: Database
) -> None:
    jane = await known_customer(hub)
    jane_own = await jane_chats_herself(hub, db, jane)
    async with db.read() as s:
        customers_before = await s.scalar(select(func.count()).select_from(Customer))

    guest = await visitor(hub.url, name="J.", email="JANE.Doe@Example.com")
    session = await guest.next("session")
    assert session == {"visitor_token": session["visitor_token"], "resumed": False, "messages": []}
    ack = await guest.call("message", {"text": "hi, is my refund done?", "client_id": "guest-1"})
    assert ack["ok"]

    async with db.read() as s:
        ticket = await s.get_one(Ticket, ack["ticket_id"])
        customer = await s.get_one(Customer, jane)
        identities = {(i.kind, i.value): i.verified for i in await s.scalars(select(Identity))}
        assert await s.scalar(select(func.count()).select_from(Customer)) == customers_before  # no new record
    assert ticket.customer_id == jane  # the chat joined Jane, so the agent sees her history...
    assert customer.display_name == "Jane Doe"  # ...and her record keeps her name
    assert identities[("email", JANE)] is False  # a claim verifies nothing
    assert identities[("webchat", visitor_key(session["visitor_token"]))] is False
    old_chat = await s_ticket_of(db, "my old chat: the gift note says 'for Tom'")
    assert ticket.id != old_chat  # never threaded into her own open chat

    supervisor = await make_token(db, "supervisor")
    status, body = await api(hub, supervisor, "GET", f"/api/v1/tickets/{ticket.id}")
    assert status == 200 and body["claim"] == {"name": "J.", "email": "JANE.Doe@Example.com", "verified": False}
    assert body["interactions"][0]["meta"]["claim"]["verified"] is False
    agent = await make_agent(db)
    cookie = {"Cookie": f"hub_session={await make_session(db, agent)}"}
    workspace = f"{hub.url}/api/v1/console/tickets/{ticket.id}"  # what the workspace draws
    async with aiohttp.ClientSession(headers=cookie) as http, http.get(workspace) as r:
        seen = await r.json()
    assert seen["customer"]["claim"] == body["claim"]  # shown as "says they are …, not verified"
    assert any("Order 88231" in h["summary"] for h in seen["history"])  # Jane's history is there for the agent

    # A macro greeting uses the name the visitor typed, not the record's.
    status, macro = await api(
        hub, supervisor, "POST", "/api/v1/macros", {"title": "hi", "body": "Hello {{customer.name}}", "shared": True}
    )
    assert status == 201
    status, used = await api(hub, supervisor, "POST", f"/api/v1/tickets/{ticket.id}/macros/{macro['id']}")
    assert status == 200 and used["text"] == "Hello J."

    # Coming back, the visitor sees their own chat only: nothing of Jane's mail, her chat, or her name.
    again = await visitor(hub.url, visitor_token=session["visitor_token"], name="J.", email="JANE.Doe@Example.com")
    resumed = await again.next("session")
    assert resumed["resumed"] is True and [m["text"] for m in resumed["messages"]] == ["hi, is my refund done?"]
    assert "Jane Doe" not in json.dumps(resumed, ensure_ascii=False) and "88231" not in json.dumps(resumed)
    # Replies reach the visitor who wrote on that ticket, never Jane's own browser.
    status, _ = await api(hub, supervisor, "POST", f"/api/v1/tickets/{ticket.id}/replies", {"text": "Checking, J."})
    assert status == 201
    assert (await again.next("message"))["text"] == "Checking, J."
    status, _ = await api(hub, supervisor, "POST", f"/api/v1/tickets/{old_chat}/replies", {"text": "For Tom, noted"})
    assert status == 201
    assert (await jane_own.next("message"))["text"] == "For Tom, noted"  # her first reply: the other never came
    assert again.events["message"].empty()
    for probe in (guest, again, jane_own):
        await probe.close()


async def s_ticket_of(db: Database, text: str) -> int:
    async with db.read() as s:
        ticket_id = await s.scalar(select(Interaction.ticket_id).where(Interaction.text == text))
    assert ticket_id is not None
    return ticket_id


async def test_a_signed_identity_is_the_customer_and_a_wrong_hash_is_only_a_claim(
    shop: Hub, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    jane = await known_customer(shop)
    signed = await visitor(shop.url, widget="shop", email=JANE, identifier_hash=signature(SHOP_SECRET, JANE))
    await signed.next("session")
    ack = await signed.call("message", {"text": "signed in: where is order 88231?", "client_id": "signed-1"})
    async with db.read() as s:
        assert (await s.get_one(Ticket, ack["ticket_id"])).customer_id == jane
        mine = select(Identity.kind, Identity.verified).where(Identity.customer_id == jane)
        verified = dict((await s.execute(mine)).all())
    assert verified == {"email": True, "webchat": True}  # the website vouched: a verified identity
    token = await make_token(db, "supervisor")
    status, body = await api(shop, token, "GET", f"/api/v1/tickets/{ack['ticket_id']}")
    assert body["claim"] == {"name": None, "email": JANE, "verified": True, "widget": "shop"}

    # A website's own user id, for a customer not known yet: created with that identity, verified.
    user = await visitor(shop.url, widget="shop", identifier="10492", name="张伟", email="zhangwei@qq.com",
                         identifier_hash=signature(SHOP_SECRET, "10492"))  # fmt: skip
    await user.next("session")
    first = await user.call("message", {"text": "会员积分怎么没到账？", "client_id": "uid-1"})
    elsewhere = await visitor(
        shop.url, widget="shop", identifier="10492", identifier_hash=signature(SHOP_SECRET, "10492")
    )
    await elsewhere.next("session")
    second = await elsewhere.call("message", {"text": "我换了台电脑", "client_id": "uid-2"})
    async with db.read() as s:
        owner = await s.get_one(Ticket, first["ticket_id"])
        assert (await s.get_one(Ticket, second["ticket_id"])).customer_id == owner.customer_id
        customer = await s.get_one(Customer, owner.customer_id)
        others = select(Identity.kind, Identity.verified).where(
            Identity.customer_id == customer.id, Identity.kind != "webchat"
        )
        kinds = dict((await s.execute(others)).all())
    assert customer.display_name == "张伟" and kinds == {"site_user": True}  # the e-mail it typed is no identity

    # Wrong hash, a hash from another site's secret, a widget without a secret: logged, and only claims.
    caplog.set_level(logging.WARNING, logger="hub.channels.webchat.identity")
    for widget, hashed in [("shop", signature(SHOP_SECRET, "someone@else.com")), ("shop", signature("x" * 20, JANE)),
                           ("default", signature(SHOP_SECRET, JANE)), ("shop", "undefined")]:  # fmt: skip
        caplog.clear()
        guest = await visitor(shop.url, widget=widget, email=JANE, identifier_hash=hashed)
        await guest.next("session")
        ack = await guest.call("message", {"text": f"wrong hash via {widget}", "client_id": "wrong-1"})
        assert ack["ok"]  # the chat goes on
        assert any("identity hash refused" in r.getMessage() for r in caplog.records)
        status, body = await api(shop, token, "GET", f"/api/v1/tickets/{ack['ticket_id']}")
        assert status == 200 and body["ticket"]["customer_id"] == jane and body["claim"]["verified"] is False
        await guest.close()
    for probe in (signed, user, elsewhere):
        await probe.close()


async def test_a_claim_naming_someone_else_starts_a_fresh_visitor_and_leaves_the_old_record_alone(
    hub: Hub, db: Database
) -> None:
    jane = await known_customer(hub)
    anon = await visitor(hub.url)
    token = (await anon.next("session"))["visitor_token"]
    before = await anon.call("message", {"text": "anonymous question", "client_id": "anon-1"})
    await anon.close()
    claiming = await visitor(hub.url, visitor_token=token, email=JANE)
    session = await claiming.next("session")
    assert session["resumed"] is False and session["visitor_token"] != token and session["messages"] == []
    after = await claiming.call("message", {"text": "now I say I am Jane", "client_id": "claim-1"})
    async with db.read() as s:
        anon_ticket = await s.get_one(Ticket, before["ticket_id"])
        assert anon_ticket.customer_id != jane  # the anonymous record is untouched: never merged
        assert (await s.get_one(Ticket, after["ticket_id"])).customer_id == jane
        owner = await s.scalar(select(Identity.customer_id).where(Identity.value == visitor_key(token)))
    assert owner == anon_ticket.customer_id
    # Saying an e-mail nobody has keeps the visitor as they are, with the claim shown to the agent.
    plain = await visitor(hub.url, visitor_token=session["visitor_token"])
    assert (await plain.next("session"))["resumed"] is True
    await plain.close()
    await claiming.close()


async def test_claim_fixtures_verify_as_the_website_signed_them(hub: Hub) -> None:
    channel = next(c for c in hub.app[keys.CHANNELS] if c.kind == "webchat")
    paths = sorted((Path(__file__).parent / "fixtures").glob("claim_*.json"))
    assert len(paths) >= 12
    for path in paths:
        spec = json.loads(path.read_text(encoding="utf-8"))
        raw, rejected = webchat_raw(path)
        assert rejected is None
        try:
            envelope = channel.parse_inbound(raw)
        except InboundRejected as exc:  # pragma: no cover - a claim never refuses a message
            raise AssertionError(f"{path.name}: {exc}") from None
        expected = spec["expect"]
        if expected["identity"] is None:
            assert envelope.claim is None, path.name
        else:
            assert envelope.claim is not None, path.name
            assert normalize(envelope.claim.identity) == IdentityRef(*expected["identity"]), path.name
            assert envelope.claim.verified is expected["verified"], path.name
        assert envelope.meta.get("claim", {}).get("verified", False) is expected["verified"], path.name


async def test_identity_secrets_stay_on_the_server(shop: Hub, tmp_path: Path) -> None:
    async with aiohttp.ClientSession() as http:
        for path in ["/chat", "/chat?widget=shop", "/chat/widget.js"]:
            async with http.get(f"{shop.url}{path}") as r:
                assert r.status == 200 and SHOP_SECRET not in await r.text()
    config = tmp_path / "hub.toml"
    config.write_text('[webchat.widgets.shop]\nidentity_secret = "too-short"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"webchat\.widgets\.shop\.identity_secret"):
        webchat_config(load_settings(env={"HUB_CONFIG": str(config)}))
    config.write_text(f'[webchat.widgets.shop]\nidentity_secret = "{SHOP_SECRET}"\n', encoding="utf-8")
    assert webchat_config(load_settings(env={"HUB_CONFIG": str(config)})).identity_secrets == {"shop": SHOP_SECRET}
