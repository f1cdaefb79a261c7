"""Business-time arithmetic: weekly hours, a DST zone, overnight hours, holidays and China's adjusted working days;
calendar tables and the shipped holiday data read from the TOML."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hub.settings import PROJECT_ROOT, SettingsError, load_settings, paths
from hub.tickets.business_time import Calendar, NoWorkingTime, add_business, business_seconds
from hub.tickets.calendar_config import CalendarError, parse_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
CONFIG = PROJECT_ROOT / "config"
HOUR = 3600.0


def cal(table: Mapping[str, object], name: str = "office") -> Calendar:
    return parse_calendar(name, table, CONFIG)


def at(zone: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)


OFFICE: dict[str, object] = {"time_zone": "Asia/Shanghai", "hours": {"mon-fri": "09:00-18:00"}}
CHINA: dict[str, object] = {**OFFICE, "include": "calendars/cn-mainland.toml"}


def test_without_a_calendar_every_second_counts() -> None:
    start = datetime(2026, 5, 1, 23, 0, tzinfo=UTC)
    assert add_business(None, start, 5 * HOUR) == start + timedelta(hours=5)
    assert business_seconds(None, start, start + timedelta(days=2)) == 48 * HOUR


def test_weekly_hours_skip_evenings_and_weekends() -> None:
    office = cal(OFFICE)
    tuesday_ten = at(SHANGHAI, 2026, 3, 10, 10, 0)
    assert add_business(office, tuesday_ten, HOUR) == at(SHANGHAI, 2026, 3, 10, 11, 0)
    # Half an hour left on Tuesday, the rest on Wednesday morning.
    assert add_business(office, at(SHANGHAI, 2026, 3, 10, 17, 30), HOUR) == at(SHANGHAI, 2026, 3, 11, 9, 30)
    # Friday 17:00 + 2 h: one hour on Friday, one on Monday.
    assert add_business(office, at(SHANGHAI, 2026, 3, 13, 17, 0), 2 * HOUR) == at(SHANGHAI, 2026, 3, 16, 10, 0)
    # Saturday night counts from Monday 09:00.
    assert add_business(office, at(SHANGHAI, 2026, 3, 14, 22, 0), 30 * 60) == at(SHANGHAI, 2026, 3, 16, 9, 30)
    assert business_seconds(office, at(SHANGHAI, 2026, 3, 13, 17, 0), at(SHANGHAI, 2026, 3, 16, 10, 0)) == 2 * HOUR
    assert business_seconds(office, at(SHANGHAI, 2026, 3, 14, 8), at(SHANGHAI, 2026, 3, 15, 20)) == 0
    assert business_seconds(office, tuesday_ten, tuesday_ten - timedelta(hours=1)) == 0
    assert add_business(office, tuesday_ten, 0) == tuesday_ten


def test_business_seconds_undo_add_business() -> None:
    office = cal({**CHINA, "hours": {"mon-fri": ["09:00-12:00", "13:30-18:00"], "sat": "10:00-14:00"}})
    start = at(SHANGHAI, 2026, 9, 24, 16, 45)  # the Thursday before Mid-Autumn and National Day
    for seconds in (1.0, 600.0, HOUR, 7.5 * HOUR, 40 * HOUR, 123_456.0):
        due = add_business(office, start, seconds)
        assert business_seconds(office, start, due) == pytest.approx(seconds)


def test_a_lunch_break_is_not_working_time() -> None:
    office = cal({**OFFICE, "hours": {"mon-fri": ["09:00-12:00", "13:00-18:00"]}})
    assert add_business(office, at(SHANGHAI, 2026, 3, 10, 11, 30), HOUR) == at(SHANGHAI, 2026, 3, 10, 13, 30)


def test_berlin_hours_keep_the_wall_clock_across_daylight_saving() -> None:
    berlin = cal({"time_zone": "Europe/Berlin", "hours": {"mon-fri": "09:00-17:00"}})
    # Summer time starts on Sunday 2026-03-29: Friday 16:00 CET + 2 h is Monday 10:00 CEST (08:00 UTC).
    due = add_business(berlin, at(BERLIN, 2026, 3, 27, 16, 0), 2 * HOUR)
    assert due == at(BERLIN, 2026, 3, 30, 10, 0) == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    # And it ends on Sunday 2026-10-25: Monday 09:00 CET is 08:00 UTC.
    assert add_business(berlin, at(BERLIN, 2026, 10, 23, 17, 0), 1) == datetime(2026, 10, 26, 8, 0, 1, tzinfo=UTC)


def test_a_round_the_clock_day_in_berlin_is_23_or_25_hours_when_the_clocks_change() -> None:
    always = cal({"time_zone": "Europe/Berlin", "hours": {"mon-sun": "00:00-24:00"}})
    assert business_seconds(always, at(BERLIN, 2026, 3, 29, 0, 0), at(BERLIN, 2026, 3, 30, 0, 0)) == 23 * HOUR
    assert business_seconds(always, at(BERLIN, 2026, 10, 25, 0, 0), at(BERLIN, 2026, 10, 26, 0, 0)) == 25 * HOUR
    start = at(BERLIN, 2026, 3, 28, 12, 0)
    assert add_business(always, start, 24 * HOUR) == start + timedelta(hours=24)


def test_overnight_hours_belong_to_the_day_they_start() -> None:
    night = cal({"time_zone": "Asia/Shanghai", "hours": {"mon-fri": "22:00-06:00"}, "holidays": [date(2026, 3, 18)]})
    # Tuesday 23:00 + 8 h: seven hours to Wednesday 06:00, one from Wednesday 22:00.
    assert add_business(night, at(SHANGHAI, 2026, 3, 10, 23, 0), 8 * HOUR) == at(SHANGHAI, 2026, 3, 11, 23, 0)
    # Friday's night runs into Saturday morning; Saturday's and Sunday's nights are off.
    assert add_business(night, at(SHANGHAI, 2026, 3, 14, 5, 0), 2 * HOUR) == at(SHANGHAI, 2026, 3, 16, 23, 0)
    # The holiday (Wednesday 18th) drops its own night whole: Tuesday's night ends at 06:00 on the holiday.
    assert add_business(night, at(SHANGHAI, 2026, 3, 18, 5, 0), 2 * HOUR) == at(SHANGHAI, 2026, 3, 19, 23, 0)
    assert business_seconds(night, at(SHANGHAI, 2026, 3, 13, 12), at(SHANGHAI, 2026, 3, 16, 12)) == 8 * HOUR


def test_an_overnight_span_and_the_next_morning_overlapping_count_once() -> None:
    shifts = cal({"time_zone": "Asia/Shanghai", "hours": {"mon-sun": ["00:00-04:00", "20:00-05:00"]}})
    day = business_seconds(shifts, at(SHANGHAI, 2026, 3, 10, 0, 0), at(SHANGHAI, 2026, 3, 11, 0, 0))
    assert day == 5 * HOUR + 4 * HOUR  # yesterday's night runs to 05:00 (covering 00-04), then 20:00-24:00


def test_a_friday_evening_ticket_before_the_spring_festival_counts_the_swapped_saturday() -> None:
    china = cal(CHINA)
    friday_evening = at(SHANGHAI, 2026, 2, 13, 19, 0)
    # Saturday 2026-02-14 is worked (the Spring Festival's adjusted working day), with Monday's hours.
    assert add_business(china, friday_evening, 4 * HOUR) == at(SHANGHAI, 2026, 2, 14, 13, 0)
    # Then the break (15th to 23rd) is off: 12 h run to Tuesday the 24th at noon.
    assert add_business(china, friday_evening, 12 * HOUR) == at(SHANGHAI, 2026, 2, 24, 12, 0)
    # Saturday the 28th is worked too; Sunday is not.
    assert business_seconds(china, at(SHANGHAI, 2026, 2, 28, 0), at(SHANGHAI, 2026, 3, 2, 0)) == 9 * HOUR


def test_evenings_before_the_labour_day_and_national_day_breaks() -> None:
    china = cal(CHINA)
    # Thursday 30 April 2026, 20:00: Labour Day runs 1 to 5 May; Wednesday the 6th is the next working day.
    assert add_business(china, at(SHANGHAI, 2026, 4, 30, 20, 0), 2 * HOUR) == at(SHANGHAI, 2026, 5, 6, 11, 0)
    # National Day 2026: Friday 25 September (Mid-Autumn) to 7 October off, Sunday 20 September and Saturday
    # 10 October worked.
    assert add_business(china, at(SHANGHAI, 2026, 9, 19, 12, 0), HOUR) == at(SHANGHAI, 2026, 9, 20, 10, 0)
    assert add_business(china, at(SHANGHAI, 2026, 9, 24, 17, 0), 2 * HOUR) == at(SHANGHAI, 2026, 9, 28, 10, 0)
    assert add_business(china, at(SHANGHAI, 2026, 9, 30, 17, 0), 2 * HOUR) == at(SHANGHAI, 2026, 10, 8, 10, 0)
    assert business_seconds(china, at(SHANGHAI, 2026, 10, 9, 18), at(SHANGHAI, 2026, 10, 12, 9)) == 9 * HOUR


def test_2027_spring_festival_days_are_off() -> None:
    china = cal(CHINA)
    # Thursday 4 February 2027 17:00 + 2 h: the eve (5th) to the 10th off, Thursday the 11th at 10:00.
    assert add_business(china, at(SHANGHAI, 2027, 2, 4, 17, 0), 2 * HOUR) == at(SHANGHAI, 2027, 2, 11, 10, 0)


def test_extra_working_days_take_their_own_hours_when_given() -> None:
    china = cal({**CHINA, "workday_hours": "10:00-16:00"})
    assert add_business(china, at(SHANGHAI, 2026, 2, 13, 19, 0), 7 * HOUR) == at(SHANGHAI, 2026, 2, 24, 10, 0)


def test_a_calendar_without_any_working_time_left_stops() -> None:
    weekend_only = Calendar("x", SHANGHAI, ((),) * 7)
    with pytest.raises(NoWorkingTime):
        add_business(weekend_only, at(SHANGHAI, 2026, 1, 1, 0, 0), 1)


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({**OFFICE, "time_zone": "Mars/Olympus"}, "calendars.office.time_zone"),
        ({"hours": {"mon": "09:00-18:00"}}, "calendars.office.time_zone"),
        ({**OFFICE, "hours": {"mon-fri": "9-18"}}, "calendars.office.hours.mon-fri"),
        ({**OFFICE, "hours": {"fri-mon": "09:00-18:00"}}, "calendars.office.hours.fri-mon"),
        ({**OFFICE, "hours": {"someday": "09:00-18:00"}}, "calendars.office.hours.someday"),
        ({**OFFICE, "hours": {"mon": ["09:00-13:00", "12:00-18:00"]}}, "calendars.office.hours.mon"),
        ({**OFFICE, "hours": {"mon": "09:00-24:30"}}, "calendars.office.hours.mon"),
        ({**OFFICE, "hours": {"mon": "09:00-09:00"}}, "calendars.office.hours.mon"),
        ({**OFFICE, "hours": {"sat,sun": []}}, "calendars.office.hours"),
        ({**OFFICE, "holidays": ["2026-13-01"]}, "calendars.office.holidays"),
        ({**OFFICE, "holidays": "2026-10-01"}, "calendars.office.holidays"),
        ({**OFFICE, "holidays": ["2026-10-01"], "workdays": ["2026-10-01"]}, "calendars.office.workdays"),
        ({**OFFICE, "include": "calendars/nowhere.toml"}, "calendars.office.include[0]"),
        ({**OFFICE, "weekends": []}, "calendars.office.weekends"),
    ],
)
def test_bad_calendar_tables_name_the_key(table: dict[str, object], key: str) -> None:
    with pytest.raises(CalendarError) as caught:
        cal(table)
    assert caught.value.key == key


def test_settings_read_calendars_and_the_queues_naming_one(tmp_path: Path) -> None:
    """A queue may name a calendar the file does not have (an admin made it): start-up checks that one
    (tests/app/test_queue_calendar_start.py)."""
    (tmp_path / "extra.toml").write_text("holidays = [2026-12-24]\n", encoding="utf-8")
    path = tmp_path / "hub.toml"
    base = """
[queues.general]
display_name = "General"
[queues.billing]
display_name = "Billing"
calendar = "%s"
auto_assign = false
[calendars.cn]
time_zone = "Asia/Shanghai"
hours = { "mon-fri" = "09:00-18:00" }
include = ["extra.toml"]
"""
    path.write_text(base % "cn", encoding="utf-8")
    settings = load_settings(env={"HUB_CONFIG": str(path)})
    billing = next(q for q in settings.queues if q.name == "billing")
    assert billing.calendar == "cn" and billing.auto_assign is False
    assert settings.calendars["cn"].holidays == frozenset({date(2026, 12, 24)})
    path.write_text(base % "made-by-an-admin", encoding="utf-8")
    assert next(q for q in load_settings(env={"HUB_CONFIG": str(path)}).queues if q.calendar).calendar == (
        "made-by-an-admin"
    )
    path.write_text((base % "cn").replace('"09:00-18:00"', '"nine to six"'), encoding="utf-8")
    with pytest.raises(SettingsError, match=r"calendars\.cn\.hours\.mon-fri"):
        load_settings(env={"HUB_CONFIG": str(path)})


def test_a_copied_hub_toml_still_finds_the_shipped_holiday_data(tmp_path: Path) -> None:
    """The shipped hub.toml names calendars/cn-mainland.toml beside it: a copy elsewhere (as operators and tests
    make) reads the hub's own file unless a file of that name sits beside the copy."""
    shipped = (paths.CONFIG / "hub.toml").read_text(encoding="utf-8")
    assert 'include = "calendars/cn-mainland.toml"' in shipped
    (tmp_path / "hub.toml").write_text(shipped, encoding="utf-8")
    settings = load_settings(env={"HUB_CONFIG": str(tmp_path / "hub.toml")})
    assert date(2026, 10, 1) in settings.calendars["cn-office"].holidays
    (tmp_path / "calendars").mkdir()
    (tmp_path / "calendars" / "cn-mainland.toml").write_text("holidays = [2026-12-24]\n", encoding="utf-8")
    settings = load_settings(env={"HUB_CONFIG": str(tmp_path / "hub.toml")})
    assert date(2026, 12, 24) in settings.calendars["cn-office"].holidays  # the operator's own file comes first
