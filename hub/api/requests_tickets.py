"""The request bodies of ticket writes (change, bulk change, reply, offer answer), declared once for checks and docs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from hub.api.validation import Body, Id
from hub.wording import BadValue

Level = Annotated[int, Field(ge=1, le=5)]
# The storage keys the upload answered with (hub/channels/storage.py names them); anything else names no file of ours.
StorageKey = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{2}/[0-9a-f]{32}-[A-Za-z0-9._\-\u4e00-\u9fff]{1,80}$")]

EXAMPLE = "2026-12-24T09:00:00+08:00"  # a time as remind_at takes it


class Requirements(Body):
    """What a ticket needs from whoever takes it."""

    skills: dict[str, Level] = Field(default_factory=dict, description="skill name to level 1-5")
    language: Annotated[str, StringConstraints(min_length=1, max_length=16)] | None = None


class TicketChangeBody(Body):
    """PATCH /api/v1/tickets/{id}: only the fields sent change; assignee_id null unassigns."""

    status: Literal["new", "open", "pending", "solved", "closed"] | None = Field(
        None, description="an allowed transition from the current status (409 otherwise)"
    )
    tags: list[str] | None = Field(None, description="replaces the tags (trimmed, empty ones dropped)")
    assignee_id: Id | None = Field(None, description="an agent id (a JSON number, never true/false) or null")
    queue: str | None = None
    priority: Literal["urgent", "high", "normal", "low"] | None = None
    requirements: Requirements | None = None
    if_updated_at: str | None = Field(None, description="the ticket's updated_at as returned: 409 if it moved")
    remind_at: str | None = Field(
        None,
        description="with status pending: open the ticket again at this time (ISO 8601 with its UTC offset, "
        "ahead, within a year) unless the customer writes first; null drops the reminder",
    )

    @field_validator("remind_at")
    @classmethod
    def _an_aware_time(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                raise BadValue(
                    "%(field)s: must be an ISO 8601 time, e.g. %(example)s", field="remind_at", example=EXAMPLE
                ) from None
            if moment.tzinfo is None:
                raise BadValue("%(field)s: needs its UTC offset (Z or +08:00)", field="remind_at")
        return value

    def remind_time(self) -> datetime | None:
        return datetime.fromisoformat(self.remind_at).astimezone(UTC) if self.remind_at else None

    @field_validator("if_updated_at")
    @classmethod
    def _a_time(cls, value: str | None) -> str | None:
        if value:
            try:
                datetime.fromisoformat(value)
            except ValueError:
                raise BadValue(
                    "%(field)s: must be the ticket's updated_at as returned", field="if_updated_at"
                ) from None
        return value

    def updated_at(self) -> datetime | None:
        return datetime.fromisoformat(self.if_updated_at) if self.if_updated_at else None


class BulkBody(Body):
    """POST /api/v1/tickets/bulk: one change applied to each ticket on its own."""

    ids: Annotated[list[Id], Field(min_length=1, max_length=500)]
    change: TicketChangeBody


class AttachmentRef(Body):
    """A file uploaded first (POST /api/v1/attachments); the answer's fields may be sent back as they came."""

    storage_key: StorageKey
    filename: str | None = None
    content_type: str | None = None
    size: int | None = Field(None, description="ignored: read back from the stored file")
    sha256: str | None = Field(None, description="ignored: read back from the stored file")


class ReplyBody(Body):
    """POST /api/v1/tickets/{id}/replies: a reply to the customer, or an internal note."""

    text: str
    internal: bool = False
    channel: str | None = Field(None, description="another of the customer's channels, e.g. sms.twilio")
    mentions: Annotated[list[Id], Field(max_length=20, description="agent ids (notes)")] = Field(default_factory=list)
    coach: bool = Field(False, description="a supervisor's note for the assignee (internal notes only)")
    attachments: Annotated[list[AttachmentRef], Field(max_length=10)] | None = None
    format: Literal["text", "markdown"] = Field("text", description="markdown: sent as each channel can show it")
    articles: Annotated[list[Id], Field(max_length=20, description="articles inserted in full")] = Field(
        default_factory=list
    )


class OfferAnswer(Body):
    """POST /api/v1/tickets/{id}/offer: the offered agent takes the ticket or passes."""

    accept: bool
