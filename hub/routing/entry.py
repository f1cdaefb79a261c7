"""Requirements from where a contact came in: an IVR leaf, a mailbox, a chat topic, a WeChat menu key.

Channels name the entry point of a new ticket as "<kind>:<key>" (for example "wechat:menu:REFUND",
"webchat:topic:billing", "email:mailbox:vip@example.com", "voice:ivr:billing.refunds"); routing.toml's
[entry_points] say which skills and language that implies. Keyword rules add to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class EntryRule:
    skills: Mapping[str, int] = field(default_factory=dict)
    language: str | None = None


def parse_entry_points(raw: Any, source: str) -> dict[str, EntryRule]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValueError(f"{source}: [entry_points] must be a table")
    rules = {}
    for key, spec in raw.items():
        where = f"{source}: entry_points.{key!r}"
        if ":" not in key:
            raise ValueError(f'{where}: name it kind:key, such as "wechat:menu:REFUND"')
        if not isinstance(spec, dict) or set(spec) - {"skills", "language"}:
            raise ValueError(f"{where}: a table of skills and language")
        skills, language = spec.get("skills", {}), spec.get("language")
        if not isinstance(skills, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 5 for v in skills.values()
        ):
            raise ValueError(f"{where}: skills map a skill to a level 1-5")
        if language is not None and (not isinstance(language, str) or not language):
            raise ValueError(f'{where}: language must be a code such as "zh"')
        rules[key] = EntryRule(dict(skills), language)
    return rules
