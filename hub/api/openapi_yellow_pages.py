"""OpenAPI paths of the yellow pages: the search and the edit of an agent's entry."""

from __future__ import annotations

from typing import Any

from hub.agents.accounts import ROLES
from hub.api.requests_people import ProfileBody
from hub.api.spec_parts import ID
from hub.api.spec_parts import ok as _ok
from hub.api.validation import request_body

_STRINGS = {"type": "array", "items": {"type": "string"}}
ENTRY: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "email": {"type": "string"},
        "display_name": {"type": "string"},
        "role": {"type": "string", "enum": list(ROLES)},
        "presence": {"type": "string"},
        "languages": _STRINGS,
        "skills": {
            "type": "array",
            "description": "best level first",
            "items": {
                "type": "object",
                "properties": {"skill": {"type": "string"}, "level": {"type": "integer", "minimum": 1, "maximum": 5}},
            },
        },
        "channels": {**_STRINGS, "description": "the channels the agent takes work on, as routing sees it"},
        "capacity": {"type": "object", "additionalProperties": {"type": "integer"}},
        "tiers": _STRINGS,
        "topics": _STRINGS,
        "voice_endpoint": {"type": ["string", "null"]},
        "own_limits": {"type": "object", "additionalProperties": {"type": "integer"}},
        "evidence": {"type": "object", "description": "per skill: tickets solved and time to solve"},
    },
}

_SEARCH = [
    {"name": name, "in": "query", "required": False, "schema": schema, "description": text}
    for name, schema, text in (
        ("skill", {"type": "string"}, "has the skill at min_level or above"),
        ("min_level", {"type": "integer", "minimum": 1, "maximum": 5, "default": 1}, "with skill"),
        ("language", {"type": "string"}, "zh finds zh-CN and zh-TW speakers"),
        ("channel", {"type": "string"}, "works the channel (capacity above 0, the entry's or routing's)"),
        ("q", {"type": "string"}, 'name (in pinyin too: 张伟 by "zhang wei", "zhangwei", "zw"), topic or skill'),
        ("available", {"type": "string", "enum": ["1"]}, "available now"),
    )
]

AGENTS_PATH: dict[str, Any] = {
    "get": {
        "summary": "The yellow pages (every role): agents by skill, language, channel, name or topic, best level "
        "first, then the most tickets solved with the skill",
        "parameters": _SEARCH,
        "responses": _ok({"type": "object", "properties": {"agents": {"type": "array", "items": ENTRY}}}),
    }
}

_EDIT: dict[str, Any] = {
    "summary": "Change an agent's yellow-pages entry (supervisors and admins; agents read): each field sent "
    "replaces that part, fields left out stay, {} changes nothing; unknown fields 422; each change audited "
    "(agent.profile_changed, before and after)",
    "parameters": ID,
    "requestBody": request_body(ProfileBody),
    "responses": _ok(ENTRY),
}
PROFILE_PATH: dict[str, Any] = {"patch": _EDIT, "put": {**_EDIT, "summary": "The same as PATCH (kept for clients)"}}
