/** Calendars: the business hours, holidays and extra working days SLA clocks count in, edited by admins. */
import "../calendars/calendars.css";
import { Plus } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, api } from "../../shared/api";
import { t } from "../../shared/i18n";
import { CalendarEditor } from "../calendars/CalendarEditor";
import { DAYS } from "../calendars/hours";
import { showDate } from "../calendars/DateList";
import type { Calendar } from "../types";
import { ConfirmButton, Empty, ErrorNote, Loading, PageHead, StatusPill } from "../ui";

function CalendarCard(props: { calendar: Calendar; onEdit: () => void; onDelete: () => void }) {
  const { calendar } = props;
  const [allDays, setAllDays] = useState(false);
  const today = new Date().toISOString().slice(0, 10);
  const upcoming = calendar.holidays.filter((d) => d >= today);
  const holidays = allDays ? calendar.holidays : upcoming.slice(0, 12);
  const workdays = allDays ? calendar.workdays : calendar.workdays.filter((d) => d >= today);
  return (
    <>
      <div class="adm-card-head">
        <h2>{calendar.name}</h2>
        <span class="chip">{calendar.time_zone}</span>
      </div>
      <p class="cal-facts">
        <StatusPill
          ok={!calendar.configured || calendar.edited}
          label={calendar.configured && !calendar.edited ? t("From hub.toml") : t("Set by an admin")}
        />{" "}
        <span class="adm-muted">
          {calendar.queues.length ? t("Used by %(queues)s", { queues: calendar.queues.join(", ") }) : t("No queue uses it yet.")}
        </span>
      </p>
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
      {calendar.holidays.length + calendar.workdays.length > holidays.length + workdays.length || allDays ? (
        <button type="button" class="btn" onClick={() => setAllDays(!allDays)}>
          {allDays ? t("Show coming holidays") : t("Show all %(n)s holidays", { n: calendar.holidays.length })}
        </button>
      ) : null}
      {workdays.length ? (
        <>
          <h3>{t("Extra working days")}</h3>
          <p>
            {workdays.map((d) => (
              <span class="chip" key={d}>
                {showDate(d)}
              </span>
            ))}
          </p>
        </>
      ) : null}
      <div class="adm-form-actions">
        <button
          type="button"
          class="btn"
          aria-label={t("Change calendar %(name)s", { name: calendar.name })}
          onClick={props.onEdit}
        >
          {t("Change")}
        </button>
        <ConfirmButton
          label={t("Delete")}
          question={t("Delete calendar “%(name)s”?", { name: calendar.name })}
          confirm={t("Delete")}
          onConfirm={props.onDelete}
        />
      </div>
    </>
  );
}

export function CalendarsPage() {
  const [calendars, setCalendars] = useState<Calendar[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const load = () =>
    api<{ calendars: Calendar[] }>("GET", "/api/v1/calendars").then(
      (b) => setCalendars(b.calendars),
      (e: unknown) => setError(e),
    );
  useEffect(() => void load(), []);

  const remove = (calendar: Calendar) => {
    setError(null);
    api("DELETE", `/api/v1/calendars/${encodeURIComponent(calendar.name)}`).then(
      () => load(),
      async (e: unknown) => {
        if (!(e instanceof ApiError && e.status === 409)) return setError(e);
        // Someone may have given it a queue since the page loaded: name the queues as they are now.
        const now = await api<{ calendars: Calendar[] }>("GET", "/api/v1/calendars").catch(() => ({
          calendars: [calendar],
        }));
        setCalendars(now.calendars);
        const queues = now.calendars.find((c) => c.name === calendar.name)?.queues ?? calendar.queues;
        const names = { name: calendar.name, queues: queues.join(", ") };
        setError(t("“%(name)s” is still used by %(queues)s. Choose another calendar for them on the Queues page first.", names));
      },
    );
  };

  return (
    <section>
      <PageHead
        title={t("Calendars")}
        intro={t("Business hours, holidays and extra working days that SLA clocks count in.")}
      >
        <button type="button" class="btn btn-primary" onClick={() => setCreating(!creating)} aria-expanded={creating}>
          <Plus size={16} aria-hidden="true" /> {t("New calendar")}
        </button>
      </PageHead>
      {creating ? (
        <div class="adm-card">
          <CalendarEditor
            onSaved={() => {
              setCreating(false);
              void load();
            }}
            onCancel={() => setCreating(false)}
          />
        </div>
      ) : null}
      <ErrorNote error={error} />
      {calendars === null && !error ? <Loading /> : null}
      {calendars !== null && calendars.length === 0 ? (
        <Empty
          title={t("No calendars yet: every queue runs around the clock.")}
          hint={t("Create one with “New calendar”, then choose it on a queue.")}
        />
      ) : null}
      <ul class="adm-cards adm-cards-grid">
        {(calendars ?? []).map((c) => (
          <li class={editing === c.name ? "adm-card cal-editing" : "adm-card"} data-calendar={c.name} key={c.name}>
            {editing === c.name ? (
              <CalendarEditor
                calendar={c}
                onSaved={() => {
                  setEditing(null);
                  void load();
                }}
                onCancel={() => setEditing(null)}
              />
            ) : (
              <CalendarCard calendar={c} onEdit={() => setEditing(c.name)} onDelete={() => remove(c)} />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
