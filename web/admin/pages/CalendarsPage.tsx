/** Calendars: the business hours and holidays SLA clocks count in, as configured in hub.toml (read-only). */
import { useEffect, useState } from "preact/hooks";
import { api } from "../../shared/api";
import { lang, t } from "../../shared/i18n";
import type { Calendar } from "../types";
import { Empty, ErrorNote, Loading, PageHead } from "../ui";

const DAYS: [string, string][] = [
  ["mon", "Monday"],
  ["tue", "Tuesday"],
  ["wed", "Wednesday"],
  ["thu", "Thursday"],
  ["fri", "Friday"],
  ["sat", "Saturday"],
  ["sun", "Sunday"],
];
const day = new Intl.DateTimeFormat(lang, { dateStyle: "medium" });
const showDate = (iso: string) => day.format(new Date(`${iso}T12:00:00`));

function CalendarCard({ calendar }: { calendar: Calendar }) {
  const [allDays, setAllDays] = useState(false);
  const upcoming = calendar.holidays.filter((d) => d >= new Date().toISOString().slice(0, 10));
  const holidays = allDays ? calendar.holidays : upcoming.slice(0, 12);
  return (
    <li class="adm-card" data-calendar={calendar.name}>
      <div class="adm-card-head">
        <h2>{calendar.name}</h2>
        <span class="chip">{calendar.time_zone}</span>
      </div>
      <table class="adm-hours">
        <caption class="visually-hidden">{t("Working hours")}</caption>
        <tbody>
          {DAYS.map(([key, name]) => (
            <tr key={key}>
              <th scope="row">{t(name)}</th>
              <td>{calendar.hours[key]?.length ? calendar.hours[key].join(", ") : <span class="adm-muted">{t("Closed")}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{allDays ? t("Holidays") : t("Coming holidays")}</h3>
      {holidays.length ? (
        <p>
          {holidays.map((d) => (
            <span class="chip" key={d}>
              {showDate(d)}
            </span>
          ))}
        </p>
      ) : (
        <p class="adm-muted">{t("None")}</p>
      )}
      {calendar.holidays.length > holidays.length || allDays ? (
        <button type="button" class="btn" onClick={() => setAllDays(!allDays)}>
          {allDays ? t("Show coming holidays") : t("Show all %(n)s holidays", { n: calendar.holidays.length })}
        </button>
      ) : null}
      {calendar.workdays.length ? (
        <>
          <h3>{t("Extra working days")}</h3>
          <p>
            {calendar.workdays.map((d) => (
              <span class="chip" key={d}>
                {showDate(d)}
              </span>
            ))}
          </p>
        </>
      ) : null}
    </li>
  );
}

export function CalendarsPage() {
  const [calendars, setCalendars] = useState<Calendar[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<{ calendars: Calendar[] }>("GET", "/api/v1/calendars").then(
      (b) => setCalendars(b.calendars),
      (e: unknown) => setError(e),
    );
  }, []);
  return (
    <section>
      <PageHead
        title={t("Calendars")}
        intro={t("Business hours and holidays that SLA clocks count in. Change them in hub.toml under [calendars].")}
      />
      <ErrorNote error={error} />
      {calendars === null && !error ? <Loading /> : null}
      {calendars !== null && calendars.length === 0 ? (
        <Empty
          title={t("No calendars configured: every queue runs around the clock.")}
          hint={t("Add a [calendars.<name>] table to hub.toml and name it on a queue.")}
        />
      ) : null}
      <ul class="adm-cards adm-cards-grid">
        {(calendars ?? []).map((c) => (
          <CalendarCard calendar={c} key={c.name} />
        ))}
      </ul>
    </section>
  );
}
