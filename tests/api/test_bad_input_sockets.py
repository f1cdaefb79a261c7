"""Bad input on the /agent and /visitor socket.io namespaces: an error answer, never silence, nothing stored."""

from __future__ import annotations

from typing import Any

from hub.db.engine import Database
from tests.api.test_bad_input import BAD_JSON_IDS, stored
from tests.conftest import Hub, make_agent, make_session
from tests.sockets import Probe, agent_socket, visitor


async def test_socket_events_with_bad_ids_get_an_error_answer(hub: Hub, db: Database) -> None:
    agent = await make_agent(db)
    probe = await agent_socket(hub.url, await make_session(db, agent))
    try:
        for event in ("watch", "unwatch", "typing"):
            for bad in [*BAD_JSON_IDS, "\ud800", None]:
                answer = await probe.call(event, {"ticket_id": bad, "typing": True})
                assert answer["ok"] is False and "ticket_id" in answer["error"], (event, bad, answer)
            answer = await probe.call(event, "\udfff")
            assert answer["ok"] is False, (event, answer)
        answer = await probe.call("status", {"status": "\ud800"})
        assert answer["ok"] is False
        answer = await probe.call("status", {"status": 10**30})
        assert answer["ok"] is False
    finally:
        await probe.close()


async def test_visitor_socket_with_huge_ids_or_lone_surrogates(hub: Hub, db: Database) -> None:
    probe: Probe = await visitor(hub.url)
    try:
        await probe.next("session")
        before = await stored(db)
        for data in [{"text": "hi", "client_id": 10**30}, {"text": "hi", "client_id": "\ud800abcd"},
                     {"text": 10**30}, {"text": True}, "\ud800", 10**30, None]:  # fmt: skip
            answer = await probe.call("message", data)
            assert answer["ok"] is False and answer["error"]["code"], (data, answer)
        assert await stored(db) == before
    finally:
        await probe.close()


async def test_visitor_connecting_with_lone_surrogates_or_huge_numbers(hub: Hub) -> None:
    auths: list[dict[str, Any]] = [
        {"visitor_token": "\ud800" * 10},
        {"visitor_token": 10**30},
        {"topic": "\udfff"},
        {"name": "\ud800", "email": "\udfff@example.com"},
        {"user_id": 10**30, "user_hash": "\ud800"},
    ]
    for auth in auths:
        probe: Probe = await visitor(hub.url, **auth)
        try:
            session = await probe.next("session")  # a fresh visitor: what cannot be a token names nobody
            assert session["resumed"] is False, auth
            answer = await probe.call("message", {"text": "hello", "client_id": "first-one"})
            assert answer["ok"] is True or answer["error"]["code"], (auth, answer)
        finally:
            await probe.close()
