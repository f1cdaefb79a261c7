"""Business-time arithmetic on a working calendar: add business seconds to an instant, count them between two."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60
# A calendar that finds no working time this far ahead has none: stop instead of looping for ever.
HORIZON_DAYS = 3 * 366

Span = tuple[int, int]  # (start, end) in minutes of the local day; end <= start runs past midnight


class NoWorkingTime(ValueError):
    """The calendar has no working time left within the horizon (every day a holiday, say)."""


@dataclass(frozen=True, slots=True)
class Calendar:
    """When a team works: weekly hours in a time zone, holidays off, extra working days on.

    An extra working day (China's weekend day worked in exchange for a longer holiday) keeps `workday_hours`,
    Monday's when left empty. A span running past midnight belongs to the day it starts on: a holiday drops it
    whole, and a holiday's own night does not begin one."""

    name: str
    zone: ZoneInfo
    hours: tuple[tuple[Span, ...], ...]  # Monday first, seven entries
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    workday_hours: tuple[Span, ...] = ()

    def spans_on(self, day: date) -> tuple[Span, ...]:
        if day in self.holidays:
            return ()
        if day in self.workdays:
            return self.workday_hours or self.hours[0]
        return self.hours[day.weekday()]

    def intervals(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The working intervals (UTC, in order, never overlapping) that end after `start`."""
        # The day before too: its overnight span may still run at `start`.
        first = start.astimezone(self.zone).date() - timedelta(days=1)
        last_end = start
        for offset in range(HORIZON_DAYS):
            day = first + timedelta(days=offset)
            for begin, end in self.spans_on(day):
                a = _instant(day, begin, self.zone)
                b = _instant(day + timedelta(days=1) if end <= begin else day, end, self.zone)
                a = max(a, last_end)  # an overnight span overlapping the next morning's counts once
                if b > a:
                    last_end = b
                    yield a, b
        raise NoWorkingTime(f"calendar {self.name!r} has no working time within {HORIZON_DAYS} days of {start}")


def _instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    if minute >= DAY_MINUTES:
        day, minute = day + timedelta(days=1), minute - DAY_MINUTES
    # A wall time in a DST gap or overlap takes its first reading (fold 0), as zoneinfo does.
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone).astimezone(UTC)


def add_business(calendar: Calendar | None, start: datetime, seconds: float) -> datetime:
    """The instant `seconds` of working time after `start`; without a calendar every second works (24x7)."""
    if calendar is None:
        return start + timedelta(seconds=seconds)
    if seconds <= 0:
        return start
    left = seconds
    for a, b in calendar.intervals(start):
        a = max(a, start)
        available = (b - a).total_seconds()
        if left <= available:
            return a + timedelta(seconds=left)
        left -= available
    raise AssertionError("intervals() ends by raising")  # pragma: no cover


def business_seconds(calendar: Calendar | None, start: datetime, end: datetime) -> float:
    """Working seconds from `start` to `end` (0 when end is not after start)."""
    if end <= start:
        return 0.0
    if calendar is None:
        return (end - start).total_seconds()
    total = 0.0
    for a, b in calendar.intervals(start):
        if a >= end:
            break
        total += (min(b, end) - max(a, start)).total_seconds()
    return total
