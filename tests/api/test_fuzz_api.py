"""Schemathesis against the running hub's /api/openapi.json, as every role: no 500, every error JSON, answers as
documented. Bounded and derandomized, so a CI run takes a minute or two and finds the same things every time."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from hub.agents.accounts import ROLES
from hub.db.engine import Database
from tests.api.test_api import seed
from tests.conftest import Hub, make_token

CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
# Examples per operation and mode (~60 operations, positive and negative): admins may call nearly everything, so
# they get the most; the other roles are mostly refused before a body is read. About two minutes, on SQLite only.
EXAMPLES = {"admin": 6, "agent": 2, "supervisor": 2, "knowledge_manager": 2}


def fuzz(url: str, token_for: Callable[[str], str]) -> list[str]:
    """Every operation as every role, positive and negative examples; the problems found, one line each."""
    schema = schemathesis.openapi.from_url(f"{url}/api/openapi.json")
    problems: list[str] = []
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Ok):
            operations.append(result.ok())
        else:
            problems.append(f"the document describes an operation schemathesis cannot read: {result.err()}")
    for role in ROLES:
        for operation in operations:
            # A fresh token per operation: the fuzzer may revoke the token it holds (POST /tokens/{id}/revoke).
            headers = {"Authorization": f"Bearer {token_for(role)}"}
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                problems += _examples(operation, mode, url, headers, role)
    return problems


def _examples(operation: Any, mode: GenerationMode, url: str, headers: dict[str, str], role: str) -> list[str]:
    found: list[str] = []

    @settings(
        max_examples=EXAMPLES[role],
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode) if _can(operation, mode) else st.nothing())
    def run(case: Any) -> None:
        response = case.call(base_url=url, headers=headers, timeout=30)
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as exc:  # failed checks: recorded, not shrunk
            if len(found) < 2:
                body = case.body if not isinstance(case.body, bytes) else case.body[:80]
                found.append(
                    f"{role} {operation.label} {mode.value} {case.path_parameters} "
                    f"body={json.dumps(body, default=str)[:200]} -> {response.status_code}: {_why(exc)}"
                )

    if _can(operation, mode):
        run()
    return found


def _why(exc: BaseException) -> str:
    parts = exc.exceptions if isinstance(exc, BaseExceptionGroup) else [exc]
    lines = []
    for part in parts:
        text = " ".join(str(getattr(part, "message", part)).split())
        lines.append(f"{getattr(part, 'title', type(part).__name__)}: {text[:300]}")
    return " | ".join(lines)


def _can(operation: Any, mode: GenerationMode) -> bool:
    # An operation with nothing to get wrong (no parameters, no body) has no negative examples.
    return mode is GenerationMode.POSITIVE or bool(operation.body or list(operation.iter_parameters()))


async def test_the_api_answers_every_role_as_documented(hub: Hub, db: Database, database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        # One backend keeps CI within its minutes; the API's answers do not depend on the database's.
        pytest.skip("the fuzzing run is on SQLite")
    await seed(hub)  # tickets and customers for the ids the fuzzer tries
    loop = asyncio.get_running_loop()

    def token_for(role: str) -> str:
        return asyncio.run_coroutine_threadsafe(make_token(db, role), loop).result(30)

    # Schemathesis is synchronous: it runs in a thread while this loop serves its requests.
    problems = await asyncio.to_thread(fuzz, hub.url, token_for)
    assert problems == [], "\n".join(problems)
