"""config/routing.toml: capacity, keywords, tiers, policy filters, urgency, offers, entry points, value rules.

Errors name the line (TOML syntax) or the table and key (meaning), so a bad file is refused at load.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hub.customers.value import ValueRules
from hub.routing.entry import EntryRule, parse_entry_points
from hub.routing.fairness import DEFAULT_FAIRNESS, Fairness
from hub.routing.policy import Filter, PolicyError, parse_filters
from hub.routing.urgency import DEFAULT_WEIGHTS, UrgencyWeights
from hub.wording import Worded


class RoutingConfigError(Worded, ValueError):
    """routing.toml cannot be used: where (the file, then the key) and why."""


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
    filters: tuple[Filter, ...] = ()
    urgency: UrgencyWeights = DEFAULT_WEIGHTS
    fairness: Fairness = DEFAULT_FAIRNESS  # who goes first among eligible agents (fairness.py)
    # Channels whose work is offered (accept within N seconds, else the next agent); others are assigned.
    offers: dict[str, int] = field(default_factory=dict)
    # An agent who declined or missed an offer is not offered that ticket again for this long; when every
    # eligible agent has passed, the ticket is offered again (to them too) once it is over.
    reoffer_after_s: int = 30
    after_contact: dict[str, int] = field(default_factory=dict)  # wrap-up seconds after solving, per channel
    away_on_disconnect_s: int = 60  # a dropped console is away this long (keeping its work), then offline
    away_after_missed_offer: bool = True
    continuity_s: int = 0  # how long a returning customer waits for the agent who served them last
    entry_points: dict[str, EntryRule] = field(default_factory=dict)
    value: ValueRules | None = None

    @property
    def tier_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tiers) or ("diamond", "gold", "silver", "general")

    def sla_minutes(self, tier: str, channel: str) -> tuple[int | None, int | None]:
        """(first response, resolution) targets for a customer tier on a channel; None where unset."""
        for t in self.tiers:
            if t.name == tier:
                return t.targets(channel)
        return None, None

    def tier_weight(self, tier: str) -> int:
        return next((t.weight for t in self.tiers if t.name == tier), 0)

    def requirements_for(self, text: str, entry: str | None) -> dict[str, Any]:
        """Skills and language a new ticket needs: its entry point's, plus keyword rules over its text."""
        rule = self.entry_points.get(entry or "")
        skills = dict(rule.skills) if rule else {}
        for skill, level in self.skills_for(text).items():
            skills[skill] = max(level, skills.get(skill, 0))
        return {"skills": skills, "language": rule.language if rule and rule.language else None}

    def skills_for(self, text: str) -> dict[str, int]:
        """The skills a message needs, by keyword; the highest level wins when rules overlap."""
        lowered = text.lower()
        needs: dict[str, int] = {}
        for rule in self.keywords:
            if _matcher(rule.words)(lowered):
                needs[rule.skill] = max(needs.get(rule.skill, 0), rule.level)
        return needs


@functools.lru_cache(maxsize=256)  # one per keyword rule, built on its first message rather than on every one
def _matcher(words: tuple[str, ...]) -> Callable[[str], bool]:
    """Whether a text holds any of the words. Chinese has no spaces: a substring is a match. Latin words must
    stand alone ("error" is not in "onerror", "bill" is not in "billion"): one pattern for all of them."""
    chinese = [w for w in words if re.search(r"[\u3400-\u9fff]", w)]
    latin = [w for w in words if w not in chinese]
    if not latin:
        return lambda text: any(w in text for w in chinese)
    pattern = re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, latin)) + r")(?![a-z0-9])")

    def holds(text: str) -> bool:
        # A standalone word is a substring first: the pattern (its look-behind tried at every position, 0.1 ms
        # a rule over a 4,000-character opening) runs only on a text that holds one of the words at all.
        if any(w in text for w in chinese):
            return True
        return any(w in text for w in latin) and pattern.search(text) is not None

    return holds


def load_routing(path: Path) -> RoutingConfig:
    if not path.exists():
        return RoutingConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message (its own English words) carries line and column.
        raise RoutingConfigError("%(source)s: %(problem)s", source=str(path), problem=str(exc)) from None
    return parse_routing(data, str(path))


def parse_routing(data: dict[str, Any], source: str) -> RoutingConfig:
    capacity = data.get("capacity", {})
    if not isinstance(capacity, dict) or not all(isinstance(v, int) and 0 < v <= 50 for v in capacity.values()):
        raise RoutingConfigError(
            "%(source)s: [capacity]: each channel needs a whole number from 1 to 50", source=source
        )
    rules = []
    for n, raw in enumerate(data.get("keywords", []), 1):
        if not isinstance(raw, dict):
            raise RoutingConfigError("%(source)s: keywords #%(n)s: expected a [[keywords]] table", source=source, n=n)
        words, skill, level = raw.get("words"), raw.get("skill"), raw.get("level", 1)
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise RoutingConfigError(
                "%(source)s: keywords #%(n)s: words must be a non-empty list of strings", source=source, n=n
            )
        if not isinstance(skill, str) or not skill.strip():
            raise RoutingConfigError("%(source)s: keywords #%(n)s: skill must be a name", source=source, n=n)
        if not isinstance(level, int) or not 1 <= level <= 5:
            raise RoutingConfigError("%(source)s: keywords #%(n)s: level must be 1-5", source=source, n=n)
        rules.append(KeywordRule(tuple(w.lower() for w in words), skill.strip(), level))
    unknown = set(data) - set(SECTIONS)
    if unknown:
        raise RoutingConfigError(
            "%(source)s: unknown section '%(section)s' (known: %(known)s)",
            source=source,
            section=sorted(unknown)[0],
            known=", ".join(SECTIONS),
        )
    tiers = tuple(_tier(name, raw, source) for name, raw in (data.get("tiers") or {}).items())
    tier_names = tuple(t.name for t in tiers) or RoutingConfig().tier_names
    presence = _table(data, "presence", source, {"away_on_disconnect_s", "away_after_missed_offer"})
    continuity = _table(data, "continuity", source, {"wait_s"})
    # [offers] maps channels to accept timeouts, plus the one pause before a ticket is offered again.
    offer_table = data.get("offers", {})
    reoffer = offer_table.get("reoffer_after_seconds", 30) if isinstance(offer_table, dict) else 30
    if isinstance(offer_table, dict):
        offer_table = {k: v for k, v in offer_table.items() if k != "reoffer_after_seconds"}
    if isinstance(reoffer, bool) or not isinstance(reoffer, int) or not 1 <= reoffer <= 3600:
        raise RoutingConfigError("%(source)s: offers.reoffer_after_seconds: seconds from 1 to 3600", source=source)
    try:
        return RoutingConfig(
            capacity={**RoutingConfig().capacity, **capacity},
            keywords=tuple(rules),
            tiers=tiers,
            filters=parse_filters(data.get("filters"), source),
            urgency=UrgencyWeights.parse(data.get("urgency"), source),
            fairness=Fairness.parse(data.get("fairness"), source),
            offers=_seconds({"offers": offer_table}, "offers", source),
            reoffer_after_s=reoffer,
            after_contact=_seconds(data, "after_contact", source),
            away_on_disconnect_s=_whole(presence.get("away_on_disconnect_s", 60), source, "presence"),
            away_after_missed_offer=bool(presence.get("away_after_missed_offer", True)),
            continuity_s=_whole(continuity.get("wait_s", 0), source, "continuity.wait_s"),
            entry_points=parse_entry_points(data.get("entry_points"), source),
            value=ValueRules.parse(data.get("value"), tier_names, source),
        )
    except (PolicyError, ValueError) as exc:
        # The policy parts' own words (they name their file and key).
        raise RoutingConfigError("%(problem)s", problem=str(exc)) from None


SECTIONS = (
    "capacity", "keywords", "tiers", "filters", "urgency", "fairness", "offers", "after_contact", "presence",
    "continuity", "entry_points", "value",
)  # fmt: skip


def _table(data: dict[str, Any], name: str, source: str, keys: set[str]) -> dict[str, Any]:
    raw = data.get(name, {})
    if not isinstance(raw, dict) or set(raw) - keys:
        raise RoutingConfigError(
            "%(source)s: [%(table)s] takes %(keys)s", source=source, table=name, keys=", ".join(sorted(keys))
        )
    return raw


def _whole(value: Any, source: str, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RoutingConfigError("%(source)s: %(key)s: a whole number of seconds, 0 or more", source=source, key=key)
    return value


def _seconds(data: dict[str, Any], name: str, source: str) -> dict[str, int]:
    raw = data.get(name, {})
    if not isinstance(raw, dict):
        raise RoutingConfigError("%(source)s: [%(table)s] maps channels to seconds", source=source, table=name)
    for channel, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 3600:
            raise RoutingConfigError(
                "%(source)s: %(table)s.%(channel)s: seconds from 1 to 3600", source=source, table=name, channel=channel
            )
    return dict(raw)


def _tier(name: str, raw: Any, source: str) -> Tier:
    if not isinstance(raw, dict):
        raise RoutingConfigError(
            "%(source)s: tiers.%(tier)s: expected a [tiers.%(tier)s] table", source=source, tier=name
        )
    weight = raw.get("weight", 0)
    if not isinstance(weight, int) or weight < 0:
        raise RoutingConfigError(
            "%(source)s: tiers.%(tier)s: weight must be a whole number of 0 or more", source=source, tier=name
        )
    targets = {}
    for key in ("first_response", "resolution"):
        table = raw.get(key, {})
        if not isinstance(table, dict) or not all(isinstance(v, int) and v > 0 for v in table.values()):
            raise RoutingConfigError(
                "%(source)s: tiers.%(tier)s: %(key)s must map channels (or default) to minutes above 0",
                source=source,
                tier=name,
                key=key,
            )
        targets[key] = dict(table)
    return Tier(name, weight, targets["first_response"], targets["resolution"])
