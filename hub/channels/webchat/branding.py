"""How each website's chat widget looks: name, colour, logo, greeting, pre-chat fields, business-hours notice."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hub.channels.base import ChannelConfigError

BRANDING_KEYS = frozenset({"title", "colour", "color", "logo", "greeting", "hours_notice", "prechat"})
PRECHAT_FIELDS = ("name", "email")  # what a visitor may tell before chatting (identity.py's claim)
LANGUAGES = ("en", "zh-Hans")  # the widget's languages, as it picks them from the browser
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_LOGO = re.compile(r"^(https://[^\s\"'<>]{1,500}|/static/[A-Za-z0-9._/-]{1,200})$")
_LANGUAGE_ALIASES = {"en": "en", "zh": "zh-Hans", "zh-hans": "zh-Hans", "zh-cn": "zh-Hans"}
DEFAULT_COLOUR = "#2157d6"


@dataclass(frozen=True, slots=True)
class Branding:
    """What the widget shows of a website. Texts are per language ({"en": ..., "zh-Hans": ...}); an empty one
    means the widget's own translated default."""

    title: Mapping[str, str] = field(default_factory=dict)
    colour: str = DEFAULT_COLOUR
    logo: str | None = None  # an https:// address, or a file under /static/
    greeting: Mapping[str, str] = field(default_factory=dict)
    hours_notice: Mapping[str, str] = field(default_factory=dict)
    prechat: tuple[str, ...] = PRECHAT_FIELDS  # () : no form, the visitor just writes

    def public(self) -> dict[str, Any]:
        """What the page hands the widget (nothing secret lives here)."""
        return {
            "title": dict(self.title),
            "colour": self.colour,
            "logo": self.logo,
            "greeting": dict(self.greeting),
            "hours_notice": dict(self.hours_notice),
            "prechat": list(self.prechat),
        }


DEFAULT_BRANDING = Branding()


def parse_branding(where: str, spec: Mapping[str, Any]) -> Branding:
    """The branding keys of one [webchat.widgets.<name>] table."""
    colour = spec.get("colour", spec.get("color", DEFAULT_COLOUR))
    if not isinstance(colour, str) or not _COLOUR.match(colour):
        raise ChannelConfigError(f"{where}.colour", 'a colour as "#rrggbb"', colour)
    logo = spec.get("logo")
    if logo is not None and (not isinstance(logo, str) or not _LOGO.match(logo)):
        raise ChannelConfigError(f"{where}.logo", "an https:// address or a path under /static/", logo)
    prechat = spec.get("prechat", list(PRECHAT_FIELDS))
    if not isinstance(prechat, list) or any(f not in PRECHAT_FIELDS for f in prechat):
        raise ChannelConfigError(
            f"{where}.prechat", f"a list of {', '.join(PRECHAT_FIELDS)} (or [] for no form)", prechat
        )
    return Branding(
        title=_texts(f"{where}.title", spec.get("title"), 60),
        colour=colour.lower(),
        logo=logo,
        greeting=_texts(f"{where}.greeting", spec.get("greeting"), 300),
        hours_notice=_texts(f"{where}.hours_notice", spec.get("hours_notice"), 200),
        prechat=tuple(dict.fromkeys(prechat)),
    )


def _texts(where: str, raw: Any, limit: int) -> dict[str, str]:
    """A text for every language ("Hello") or per language ({en = "Hello", zh = "您好"})."""
    if raw is None:
        return {}
    if isinstance(raw, str):
        raw = {"en": raw}
    expected = f"a text of at most {limit} characters, or a table of them per language ({', '.join(LANGUAGES)})"
    if not isinstance(raw, dict):
        raise ChannelConfigError(where, expected, raw)
    texts: dict[str, str] = {}
    for lang, text in raw.items():
        tag = _LANGUAGE_ALIASES.get(str(lang).lower())
        if tag is None or not isinstance(text, str) or not text.strip() or len(text) > limit:
            raise ChannelConfigError(f"{where}.{lang}", expected, text)
        texts[tag] = text.strip()
    return texts
