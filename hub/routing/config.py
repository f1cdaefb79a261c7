"""config/routing.toml: default capacity per channel and keyword rules; errors name the line or key."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class RoutingConfigError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class KeywordRule:
    words: tuple[str, ...]
    skill: str
    level: int


@dataclass(frozen=True, slots=True)
class Tier:
    name: str
    weight: int
    first_response: dict[str, int]  # channel (or "default") -> minutes
    resolution: dict[str, int]

    def targets(self, channel: str) -> tuple[int | None, int | None]:
        fr = self.first_response.get(channel, self.first_response.get("default"))
        res = self.resolution.get(channel, self.resolution.get("default"))
        return fr, res


@dataclass(frozen=True, slots=True)
class RoutingConfig:
    capacity: dict[str, int] = field(default_factory=lambda: {"webchat": 3, "email": 5})
    keywords: tuple[KeywordRule, ...] = ()
    tiers: tuple[Tier, ...] = ()  # most valuable first

    @property
    def tier_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tiers) or ("diamond", "gold", "silver", "general")

    def sla_minutes(self, tier: str, channel: str) -> tuple[int | None, int | None]:
        """(first response, resolution) targets for a customer tier on a channel; None where unset."""
        for t in self.tiers:
            if t.name == tier:
                return t.targets(channel)
        return None, None

    def skills_for(self, text: str) -> dict[str, int]:
        """The skills a message needs, by keyword; the highest level wins when rules overlap."""
        lowered = text.lower()
        needs: dict[str, int] = {}
        for rule in self.keywords:
            if any(_contains(lowered, word) for word in rule.words):
                needs[rule.skill] = max(needs.get(rule.skill, 0), rule.level)
        return needs


def _contains(text: str, word: str) -> bool:
    # Chinese has no spaces: a substring is a match. Latin words must stand alone ("error" is not in
    # "onerror", "bill" is not in "billion").
    if re.search(r"[\u3400-\u9fff]", word):
        return word in text
    return re.search(r"(?<![a-z0-9])" + re.escape(word) + r"(?![a-z0-9])", text) is not None


def load_routing(path: Path) -> RoutingConfig:
    if not path.exists():
        return RoutingConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RoutingConfigError(f"{path}: {exc}") from None  # tomllib's message carries line and column
    return parse_routing(data, str(path))


def parse_routing(data: dict[str, Any], source: str) -> RoutingConfig:
    capacity = data.get("capacity", {})
    if not isinstance(capacity, dict) or not all(isinstance(v, int) and 0 < v <= 50 for v in capacity.values()):
        raise RoutingConfigError(f"{source}: [capacity]: each channel needs a whole number from 1 to 50")
    rules = []
    for n, raw in enumerate(data.get("keywords", []), 1):
        where = f"{source}: keywords #{n}"
        if not isinstance(raw, dict):
            raise RoutingConfigError(f"{where}: expected a [[keywords]] table")
        words, skill, level = raw.get("words"), raw.get("skill"), raw.get("level", 1)
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise RoutingConfigError(f"{where}: words must be a non-empty list of strings")
        if not isinstance(skill, str) or not skill.strip():
            raise RoutingConfigError(f"{where}: skill must be a name")
        if not isinstance(level, int) or not 1 <= level <= 5:
            raise RoutingConfigError(f"{where}: level must be 1-5")
        rules.append(KeywordRule(tuple(w.lower() for w in words), skill.strip(), level))
    unknown = set(data) - {"capacity", "keywords", "tiers"}
    if unknown:
        raise RoutingConfigError(f"{source}: unknown section {sorted(unknown)[0]!r} (known: capacity, keywords, tiers)")
    tiers = tuple(_tier(name, raw, f"{source}: tiers.{name}") for name, raw in (data.get("tiers") or {}).items())
    return RoutingConfig(capacity={**RoutingConfig().capacity, **capacity}, keywords=tuple(rules), tiers=tiers)


def _tier(name: str, raw: Any, where: str) -> Tier:
    if not isinstance(raw, dict):
        raise RoutingConfigError(f"{where}: expected a [tiers.{name}] table")
    weight = raw.get("weight", 0)
    if not isinstance(weight, int) or weight < 0:
        raise RoutingConfigError(f"{where}: weight must be a whole number of 0 or more")
    targets = {}
    for key in ("first_response", "resolution"):
        table = raw.get(key, {})
        if not isinstance(table, dict) or not all(isinstance(v, int) and v > 0 for v in table.values()):
            raise RoutingConfigError(f"{where}: {key} must map channels (or default) to minutes above 0")
        targets[key] = dict(table)
    return Tier(name, weight, targets["first_response"], targets["resolution"])
