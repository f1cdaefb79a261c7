"""Sentences kept as their English template and parameters, so each reader's language can say them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

E = TypeVar("E", bound=BaseException)
# Where an error raised as something else (an HTTP error) keeps its wording, for the API to send it.
_ATTACHED = "_hub_wording"

# A parameter is shown as it is in every language: a field name, a number, a channel, a queue's name.
Param = str | int | float


def fill(template: str, params: Mapping[str, Param]) -> str:
    """The English sentence; a template without parameters is used as it is (a stray % stays a %)."""
    return template % dict(params) if params else template


@dataclass(frozen=True)
class Wording:
    """A template (the catalog's msgid, with `%(name)s` placeholders) and what fills it."""

    key: str
    params: Mapping[str, Param] = field(default_factory=dict)

    @property
    def english(self) -> str:
        return fill(self.key, self.params)

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "params": dict(self.params)}


class Worded(Exception):
    """An error whose message is a template filled with parameters; the API sends both, the browser translates."""

    def __init__(self, template: str, /, **params: Param) -> None:
        self.wording = Wording(template, params)
        super().__init__(self.wording.english)


class BadValue(Worded, ValueError):
    """A request body's own check that failed: pydantic keeps the exception, so the refusal is worded by it."""


def attach(exc: E, wording: Wording) -> E:
    """`exc` carrying `wording`: for code beneath the API (request bodies) that raises HTTP errors itself."""
    setattr(exc, _ATTACHED, wording)
    return exc


def attached(exc: BaseException) -> Wording | None:
    found = getattr(exc, _ATTACHED, None)
    return found if isinstance(found, Wording) else None
