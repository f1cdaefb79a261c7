"""Article content: validated fields of one version, and its text form for diffs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub.knowledge.tables import ArticleVersion
from hub.wording import Worded


class KnowledgeError(Worded, ValueError):
    """400: the request itself is wrong (a field, a value)."""


@dataclass(frozen=True, slots=True)
class Content:
    title: str
    body: str
    short_answer: str
    category: str = ""
    tags: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()

    @classmethod
    def parse(cls, data: dict[str, Any], base: Content | None = None, where: str = "") -> Content:
        """Validated content from JSON; fields missing from an edit keep `base`'s values."""

        def field_(name: str, limit: int, required: bool) -> str:
            value = data.get(name, getattr(base, name, None) if base else None)
            if value is None and not required:
                return ""
            if not isinstance(value, str) or (required and not value.strip()):
                raise KnowledgeError("%(field)s: a non-empty string is required", field=where + name)
            if len(value) > limit:
                raise KnowledgeError(
                    "%(field)s: at most %(max)s characters (got %(n)s)", field=where + name, max=limit, n=len(value)
                )
            return value.strip()

        def list_(name: str) -> tuple[str, ...]:
            value = data.get(name, list(getattr(base, name, ())) if base else [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or len(value) > 50:
                raise KnowledgeError("%(field)s: a list of at most 50 strings is required", field=where + name)
            return tuple(dict.fromkeys(v.strip()[:200] for v in value if v.strip()))

        return cls(
            field_("title", 300, True),
            field_("body", 200_000, True),
            field_("short_answer", 300, True),
            field_("category", 200, False),
            list_("tags"),
            list_("variants"),
        )

    @classmethod
    def of(cls, v: ArticleVersion) -> Content:
        return cls(v.title, v.body_md, v.short_answer, v.category, tuple(v.tags), tuple(v.variants))

    def as_text(self) -> list[str]:
        """A stable text form for diffs."""
        return [
            f"title: {self.title}",
            f"short answer: {self.short_answer}",
            f"category: {self.category}",
            f"tags: {', '.join(self.tags)}",
            "variants:",
            *(f"  - {v}" for v in self.variants),
            "body:",
            *self.body.splitlines(),
        ]
