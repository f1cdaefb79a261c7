/** Creating a calendar, or changing one: time zone (searchable IANA names), weekly hours, holidays, workdays. */
import { useMemo, useState } from "preact/hooks";
import { ApiError, api } from "../../shared/api";
import { t } from "../../shared/i18n";
import type { Calendar } from "../types";
import { ErrorNote, Field } from "../ui";
import { DateList } from "./DateList";
import { DAYS, type Span, dayProblem, sameTexts, spansOf, textsOf, timeZones } from "./hours";
import { WeekHours } from "./WeekHours";

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const NINE_TO_SIX = ["09:00-18:00"];
const OFFICE: Record<string, string[]> = {
  mon: NINE_TO_SIX,
  tue: NINE_TO_SIX,
  wed: NINE_TO_SIX,
  thu: NINE_TO_SIX,
  fri: NINE_TO_SIX,
  sat: [],
  sun: [],
};

/** A refusal from the hub in the admin's language (the hub's own words follow for the details). */
function refusal(error: unknown, name: string): string | unknown {
  if (!(error instanceof ApiError)) return error;
  if (error.status === 409) return t("A calendar named “%(name)s” exists already.", { name });
  if (error.status === 422) return t("The hub did not accept this calendar: %(reason)s", { reason: error.message });
  return error;
}

export function CalendarEditor(props: { calendar?: Calendar; onSaved: () => void; onCancel: () => void }) {
  const c = props.calendar;
  const zones = useMemo(timeZones, []);
  const before = c?.hours ?? OFFICE;
  const [name, setName] = useState(c?.name ?? "");
  const [zone, setZone] = useState(c?.time_zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC");
  const [week, setWeek] = useState<Record<string, Span[]>>(
    Object.fromEntries(DAYS.map(([d]) => [d, spansOf(before[d] ?? [])])),
  );
  const [holidays, setHolidays] = useState<string[]>(c?.holidays ?? []);
  const [workdays, setWorkdays] = useState<string[]>(c?.workdays ?? []);
  const [problems, setProblems] = useState<{ name?: string; zone?: string; week?: string }>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const day = (d: string): Span[] => week[d] ?? [];
  // Only days the admin touched are checked and sent: a night span from hub.toml ("22:00-06:00") may stay as it is.
  const changed = (d: string) => !c || !sameTexts(textsOf(day(d)), before[d] ?? []);
  const submit = (event: Event) => {
    event.preventDefault();
    const found = {
      name:
        !c && !NAME.test(name)
          ? t("A calendar name uses lower-case letters, digits, - and _, such as cn-office.")
          : undefined,
      zone: zones.includes(zone) ? undefined : t("Choose a time zone from the list, such as Asia/Shanghai."),
      week: DAYS.some(([d]) => changed(d) && dayProblem(day(d)))
        ? t("Some weekday hours need correcting: see the notes under those days.")
        : DAYS.every(([d]) => day(d).length === 0)
          ? t("Give at least one weekday working hours.")
          : undefined,
    };
    setProblems(found);
    if (found.name || found.zone || found.week) return;
    const hours = Object.fromEntries(DAYS.filter(([d]) => changed(d)).map(([d]) => [d, textsOf(day(d))]));
    const change: Record<string, unknown> = {};
    if (!c || zone !== c.time_zone) change.time_zone = zone;
    if (Object.keys(hours).length) change.hours = hours;
    if (!c || !sameTexts(holidays, c.holidays)) change.holidays = holidays;
    if (!c || !sameTexts(workdays, c.workdays)) change.workdays = workdays;
    if (c && Object.keys(change).length === 0) return props.onSaved();
    setBusy(true);
    setError(null);
    const work = c
      ? api("PATCH", `/api/v1/calendars/${encodeURIComponent(c.name)}`, change)
      : api("POST", "/api/v1/calendars", { name, ...change });
    work.then(props.onSaved, (e: unknown) => {
      setError(refusal(e, name));
      setBusy(false);
    });
  };

  return (
    <form
      class="adm-form cal-editor"
      onSubmit={submit}
      noValidate
      aria-label={c ? t("Change calendar %(name)s", { name: c.name }) : t("New calendar")}
    >
      <h2>{c ? c.name : t("New calendar")}</h2>
      <div class="adm-grid">
        {c ? null : (
          <Field label={t("Name")} error={problems.name} hint={t("Queues name it; cannot change later.")}>
            <input value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" />
          </Field>
        )}
        <Field label={t("Time zone")} error={problems.zone} hint={t("Type to search, such as Shanghai or Berlin.")}>
          <input
            list="cal-zones"
            value={zone}
            onInput={(e) => setZone(e.currentTarget.value)}
            autoComplete="off"
            spellcheck={false}
          />
        </Field>
        <datalist id="cal-zones">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </div>
      <WeekHours week={week} checked={changed} onChange={(d, spans) => setWeek({ ...week, [d]: spans })} />
      {problems.week ? <p class="adm-field-error" role="alert">{problems.week}</p> : null}
      <div class="cal-date-lists">
        <DateList
          legend={t("Holidays")}
          addLabel={t("Add holiday")}
          dates={holidays}
          clash={workdays}
          clashText={t("That day is an extra working day: remove it there first.")}
          onChange={setHolidays}
        />
        <DateList
          legend={t("Extra working days")}
          addLabel={t("Add working day")}
          dates={workdays}
          clash={holidays}
          clashText={t("That day is a holiday: remove it there first.")}
          onChange={setWorkdays}
        />
      </div>
      <p class="adm-hint">{t("New tickets count in the saved hours at once; tickets already open keep their due times.")}</p>
      <ErrorNote error={error} />
      <div class="adm-form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {c ? t("Save") : t("Create calendar")}
        </button>
        <button type="button" class="btn" onClick={props.onCancel}>
          {t("Cancel")}
        </button>
      </div>
    </form>
  );
}
