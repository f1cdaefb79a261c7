"""Messages the calendar editor shows (web/admin/calendars, the Calendars admin page): listed for the catalog
extraction, handed to the admin pages with their other strings."""

from __future__ import annotations

from hub.agent_console.js_strings import N_

CALENDAR_STRINGS: tuple[str, ...] = (
    N_("%(day)s, span %(n)s starts"),
    N_("%(day)s, span %(n)s ends"),
    N_("Remove %(day)s span %(n)s"),
    N_("Add hours on %(day)s"),
    N_("Add hours"),
    N_("Midnight (00:00) as an end time means the end of the day."),
    N_("Enter a start and an end time for every span."),
    N_("A span must end after it starts. For a night shift, end at midnight and go on the next day."),
    N_("These spans overlap."),
    N_("Choose a date."),
    N_("Remove %(date)s"),
    N_("Add holiday"),
    N_("Add working day"),
    N_("That day is a holiday: remove it there first."),
    N_("That day is an extra working day: remove it there first."),
    N_("A calendar name uses lower-case letters, digits, - and _, such as cn-office."),
    N_("Choose a time zone from the list, such as Asia/Shanghai."),
    N_("Some weekday hours need correcting: see the notes under those days."),
    N_("Give at least one weekday working hours."),
    N_("A calendar named “%(name)s” exists already."),
    N_("The hub did not accept this calendar: %(reason)s"),
    N_("Change calendar %(name)s"),
    N_("New calendar"),
    N_("Queues name it; cannot change later."),
    N_("Time zone"),
    N_("Type to search, such as Shanghai or Berlin."),
    N_("New tickets count in the saved hours at once; tickets already open keep their due times."),
    N_("Create calendar"),
    N_("From hub.toml"),
    N_("Set by an admin"),
    N_("Used by %(queues)s"),
    N_("No queue uses it yet."),
    N_("Delete calendar “%(name)s”?"),
    N_("“%(name)s” is still used by %(queues)s. Choose another calendar for them on the Queues page first."),
    N_("Business hours, holidays and extra working days that SLA clocks count in."),
    N_("No calendars yet: every queue runs around the clock."),
    N_("Create one with “New calendar”, then choose it on a queue."),
    N_("Calendar created"),
    N_("Calendar changed"),
    N_("Calendar deleted"),
)
