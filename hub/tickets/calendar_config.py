"""[calendars.<name>] tables read into business-time calendars, with the holiday data files they include."""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hub.tickets.business_time import DAY_MINUTES, WEEKDAYS, Calendar, Span

_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_KEYS = {"time_zone", "hours", "holidays", "workdays", "workday_hours", "include"}


class CalendarError(ValueError):
    """A calendar table that cannot be used: which key, what it held, what it should hold."""

    def __init__(self, key: str, value: object, expected: str) -> None:
        super().__init__(f"{key}: {value!r} is not {expected}")
        self.key, self.value, self.expected = key, value, expected


def parse_calendars(raw: object, base: Path | Sequence[Path]) -> dict[str, Calendar]:
    """Every [calendars.<name>] table; a relative `include` path is looked up in each of `base` in turn (the config
    file's folder, then the hub's own config folder: a copied hub.toml still finds the shipped holiday data)."""
    if not isinstance(raw, dict):
        raise CalendarError("calendars", raw, "a [calendars.<name>] table")
    return {name: parse_calendar(name, table, base) for name, table in raw.items()}


def parse_calendar(name: str, table: object, base: Path | Sequence[Path]) -> Calendar:
    key = f"calendars.{name}"
    if not isinstance(table, dict):
        raise CalendarError(key, table, "a table with time_zone and hours")
    unknown = set(table) - _KEYS
    if unknown:
        raise CalendarError(f"{key}.{sorted(unknown)[0]}", table[sorted(unknown)[0]], f"one of {sorted(_KEYS)}")
    zone = _zone(f"{key}.time_zone", table.get("time_zone"))
    holidays = set(_dates(f"{key}.holidays", table.get("holidays", [])))
    workdays = set(_dates(f"{key}.workdays", table.get("workdays", [])))
    includes = table.get("include", [])
    for i, path in enumerate([includes] if isinstance(includes, str) else includes):
        data = _included(f"{key}.include[{i}]", path, base)
        holidays |= set(_dates(f"{path}:holidays", data.get("holidays", [])))
        workdays |= set(_dates(f"{path}:workdays", data.get("workdays", [])))
    clash = holidays & workdays
    if clash:
        raise CalendarError(f"{key}.workdays", sorted(clash)[0].isoformat(), "a day that is not also a holiday")
    hours = _weekly(f"{key}.hours", table.get("hours"))
    if not any(hours):
        raise CalendarError(f"{key}.hours", table.get("hours"), "working hours on at least one weekday")
    workday_hours = parse_spans(f"{key}.workday_hours", table["workday_hours"]) if "workday_hours" in table else ()
    return Calendar(name, zone, hours, frozenset(holidays), frozenset(workdays), workday_hours)


def _zone(key: str, value: object) -> ZoneInfo:
    if not isinstance(value, str):
        raise CalendarError(key, value, "an IANA time zone name such as Asia/Shanghai")
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarError(key, value, "an IANA time zone name such as Asia/Shanghai") from None


def _dates(key: str, value: object) -> list[date]:
    if not isinstance(value, list):
        raise CalendarError(key, value, "a list of dates (2026-10-01)")
    result = []
    for item in value:
        if isinstance(item, date) and not hasattr(item, "hour"):
            result.append(item)
            continue
        try:
            result.append(date.fromisoformat(item))
        except (TypeError, ValueError):
            raise CalendarError(key, item, "a date such as 2026-10-01") from None
    return result


def _included(key: str, path: object, base: Path | Sequence[Path]) -> Mapping[str, Any]:
    if not isinstance(path, str):
        raise CalendarError(key, path, "the path of a TOML file with holidays and workdays")
    folders = [base] if isinstance(base, Path) else list(base)
    file = next((folder / path for folder in folders if (folder / path).is_file()), folders[0] / path)
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CalendarError(key, path, f"a readable TOML file with holidays and workdays ({exc})") from None


def _weekly(key: str, value: object) -> tuple[tuple[Span, ...], ...]:
    """{"mon-fri": "09:00-18:00", "sat": ["10:00-12:00", "13:00-16:00"], "sun": []}; days left out are closed."""
    if not isinstance(value, dict) or not value:
        raise CalendarError(key, value, 'a table such as { "mon-fri" = "09:00-18:00" }')
    week: list[tuple[Span, ...]] = [() for _ in WEEKDAYS]
    for days, spans in value.items():
        parsed = parse_spans(f"{key}.{days}", spans)
        for day in _days(f"{key}.{days}", days):
            week[day] = parsed
    return tuple(week)


def _days(key: str, text: str) -> list[int]:
    result: list[int] = []
    for part in text.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise CalendarError(key, text, "weekdays such as mon-fri or sat,sun")
        a, b = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        if b < a:
            raise CalendarError(key, text, "a range from an earlier day to a later one (mon-fri)")
        result.extend(range(a, b + 1))
    return result


def parse_spans(key: str, value: object) -> tuple[Span, ...]:
    """ "09:00-18:00" or a list of such spans, sorted, none empty or overlapping (end <= start runs overnight)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise CalendarError(key, value, 'hours such as "09:00-18:00" or a list of them')
    spans = []
    for item in items:
        match = _SPAN.match(item) if isinstance(item, str) else None
        if match is None:
            raise CalendarError(key, item, 'hours such as "09:00-18:00" (22:00-06:00 runs overnight)')
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        begin, end = h1 * 60 + m1, h2 * 60 + m2
        if h1 > 23 or m1 > 59 or m2 > 59 or end > DAY_MINUTES or begin == end:
            raise CalendarError(key, item, "a span of hours between 00:00 and 24:00 that is not empty")
        spans.append((begin, end))
    spans.sort()
    for (_, end), (begin, _) in itertools.pairwise(spans):
        if begin < end:
            raise CalendarError(key, value, "spans that do not overlap")
    return tuple(spans)
