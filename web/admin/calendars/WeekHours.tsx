/** The weekly hours of a calendar: per weekday, spans to add and remove; a day without spans is closed. */
import { Plus, X } from "lucide-preact";
import { t } from "../../shared/i18n";
import { DAYS, dayProblem, type Span } from "./hours";

export function WeekHours(props: {
  week: Record<string, Span[]>;
  checked: (day: string) => boolean; // the days to check: those the admin changed
  onChange: (day: string, spans: Span[]) => void;
}) {
  return (
    <fieldset class="adm-fieldset cal-week">
      <legend>{t("Working hours")}</legend>
      {DAYS.map(([day, dayName]) => {
        const spans = props.week[day] ?? [];
        const problem = props.checked(day) ? dayProblem(spans) : "";
        const put = (i: number, part: keyof Span, value: string) =>
          props.onChange(day, spans.map((s, j) => (j === i ? { ...s, [part]: value } : s)));
        return (
          <div
            class={problem ? "cal-day invalid" : "cal-day"}
            key={day}
            data-day={day}
            role="group"
            aria-label={t(dayName)}
          >
            <span class="cal-day-name">{t(dayName)}</span>
            <div class="cal-spans">
              {spans.length === 0 ? <span class="adm-muted">{t("Closed")}</span> : null}
              {spans.map((s, i) => (
                <span class="cal-span" key={i}>
                  <input
                    type="time"
                    value={s.start}
                    aria-label={t("%(day)s, span %(n)s starts", { day: t(dayName), n: i + 1 })}
                    onInput={(e) => put(i, "start", e.currentTarget.value)}
                  />
                  <span aria-hidden="true">–</span>
                  <input
                    type="time"
                    value={s.end}
                    aria-label={t("%(day)s, span %(n)s ends", { day: t(dayName), n: i + 1 })}
                    onInput={(e) => put(i, "end", e.currentTarget.value)}
                  />
                  <button
                    type="button"
                    class="btn btn-icon"
                    aria-label={t("Remove %(day)s span %(n)s", { day: t(dayName), n: i + 1 })}
                    onClick={() => props.onChange(day, spans.filter((_, j) => j !== i))}
                  >
                    <X size={14} aria-hidden="true" />
                  </button>
                </span>
              ))}
              <button
                type="button"
                class="btn"
                aria-label={t("Add hours on %(day)s", { day: t(dayName) })}
                onClick={() => {
                  const last = spans[spans.length - 1];
                  // A further span starts where the last one ended; a day's first is an office day.
                  const start = last ? (last.end === "00:00" ? "23:00" : last.end) : "09:00";
                  const next = { start, end: last ? "00:00" : "18:00" };
                  props.onChange(day, [...spans, next]);
                }}
              >
                <Plus size={14} aria-hidden="true" /> {t("Add hours")}
              </button>
            </div>
            {problem ? <span class="adm-field-error cal-day-error">{problem}</span> : null}
          </div>
        );
      })}
      <p class="adm-hint">{t("Midnight (00:00) as an end time means the end of the day.")}</p>
    </fieldset>
  );
}
