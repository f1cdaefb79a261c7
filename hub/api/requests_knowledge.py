"""The request bodies of knowledge and macro writes, declared once for checks and docs."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from hub.api.validation import Body, Id

Tags = Annotated[list[str], Field(max_length=50)]


class ArticleEdit(Body):
    """PUT /api/v1/knowledge/articles/{id}: fields left out keep the draft's (or the live version's) values."""

    title: Annotated[str, StringConstraints(max_length=300)] | None = None
    body: Annotated[str, StringConstraints(max_length=200_000)] | None = Field(None, description="Markdown")
    short_answer: Annotated[str, StringConstraints(max_length=300)] | None = None
    category: Annotated[str, StringConstraints(max_length=200)] | None = None
    tags: Tags | None = None
    variants: Tags | None = Field(None, description="other ways customers ask the question")
    review_by: str | None = Field(None, description="a date like 2027-01-31; null or empty: none")
    revision: int | None = Field(None, description="the working draft's revision this edit starts from (409 if not)")


class ArticleNew(Body):
    """POST /api/v1/knowledge/articles: a draft."""

    locale: str = Field("en", description="one of the hub's knowledge locales")
    title: Annotated[str, StringConstraints(max_length=300)]
    body: Annotated[str, StringConstraints(max_length=200_000)] = Field(description="Markdown")
    short_answer: Annotated[str, StringConstraints(max_length=300)]
    category: Annotated[str, StringConstraints(max_length=200)] | None = None
    tags: Tags = Field(default_factory=list)
    variants: Tags = Field(default_factory=list, description="other ways customers ask the question")
    review_by: str | None = Field(None, description="a date like 2027-01-31")
    owner_id: Id | None = Field(None, description="an agent; the author when left out")


class OwnerChange(Body):
    """PUT /api/v1/knowledge/articles/{id}/owner: who looks after the article (audited as article.owner_changed)."""

    owner_id: Id | None = Field(description="an agent, or null for nobody")


class Reason(Body):
    """POST /api/v1/knowledge/articles/{id}/{action}: why (shown to the author on reject)."""

    reason: str = ""


class Restore(Body):
    version: Id


class Feedback(Body):
    kind: Literal["inserted", "helpful", "not_helpful"]
    ticket_id: Id | None = None


class Preview(Body):
    body: str = Field(description="Markdown, rendered and sanitized as a saved version is")


class MacroActions(Body):
    status: Literal["open", "pending", "solved"] | None = None
    add_tags: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] = Field(default_factory=list)


class MacroEdit(Body):
    """PUT /api/v1/macros/{id}: placeholders {{customer.name}}, {{customer.tier}}, {{ticket.id}},
    {{ticket.subject}}, {{agent.name}}."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    body: Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
    actions: MacroActions | None = None
    locale: Annotated[str, StringConstraints(max_length=16)] | None = None


class MacroNew(MacroEdit):
    """POST /api/v1/macros: personal, or shared with everyone (supervisors)."""

    shared: bool = False
