"""The request bodies of queue administration, declared once for checks and docs."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from hub.api.validation import Body, Id

QueueName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
DisplayName = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S")]
CalendarName = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class QueueBody(Body):
    """POST /api/v1/queues: a new queue, kept across restarts (the configured queues' sync leaves it alone)."""

    name: QueueName = Field(description="lower-case letters, digits, _ and -; the name tickets and requests use")
    display_name: DisplayName | None = Field(None, description="the name shown; the name when left out")
    calendar: CalendarName | None = Field(None, description="a [calendars.<name>] table; null: around the clock")
    auto_assign: bool = Field(True, description="false: routing leaves its tickets for agents to pick")


class QueueChangeBody(Body):
    """PATCH /api/v1/queues/{name}: the fields sent change (calendar null: around the clock); at least one."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    display_name: DisplayName | None = None
    calendar: CalendarName | None = None
    auto_assign: bool | None = None


class MembersBody(Body):
    """PUT /api/v1/queues/{name}/members: the queue's members become exactly these active agents."""

    agent_ids: list[Id] = Field(max_length=1000)
