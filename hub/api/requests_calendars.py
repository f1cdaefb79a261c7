"""The request bodies of calendar administration, declared once for checks and docs."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from hub.api.validation import Body

CalendarName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
TimeZone = Annotated[str, StringConstraints(min_length=1, max_length=64)]
# Checked by the calendar itself, which names the span or date that is wrong and why (422).
SpanText = Annotated[str, StringConstraints(max_length=20)]
DateText = Annotated[str, StringConstraints(max_length=10)]
Spans = Annotated[list[SpanText], Field(max_length=12, description='working spans such as "09:00-12:00"; [] closed')]
Dates = Annotated[list[DateText], Field(max_length=1000, description="ISO dates such as 2026-10-01")]


class WeekHours(Body):
    """Hours per weekday: each day sent becomes exactly these spans (end after start; 24:00 ends a day)."""

    mon: Spans = Field(default_factory=list)
    tue: Spans = Field(default_factory=list)
    wed: Spans = Field(default_factory=list)
    thu: Spans = Field(default_factory=list)
    fri: Spans = Field(default_factory=list)
    sat: Spans = Field(default_factory=list)
    sun: Spans = Field(default_factory=list)


class CalendarBody(Body):
    """POST /api/v1/calendars: a new business-hours calendar; hours Monday to Friday 09:00-18:00 unless given."""

    name: CalendarName = Field(description="lower-case letters, digits, _ and -; the name queues use")
    time_zone: TimeZone = Field(description="an IANA time zone name such as Asia/Shanghai")
    hours: WeekHours | None = Field(None, description="the weekdays sent; days left out are closed")
    holidays: Dates = Field(default_factory=list, description="days off")
    workdays: Dates = Field(default_factory=list, description="days worked that would be off (a swapped weekend)")
    workday_hours: Spans = Field(default_factory=list, description="hours on such a day; Monday's when empty")


class CalendarChangeBody(Body):
    """PATCH /api/v1/calendars/{name}: the fields sent change; hours change only the weekdays sent; at least one."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    time_zone: TimeZone | None = None
    hours: WeekHours | None = None
    holidays: Dates | None = None
    workdays: Dates | None = None
    workday_hours: Spans | None = None
