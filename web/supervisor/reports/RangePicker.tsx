/** Choosing the report's period: presets, or two dates (the browser shows them in the user's locale). */
import { useEffect, useState } from "preact/hooks";
import { t } from "../../shared/i18n";
import { num } from "../format";
import { daysIn, lastDays, rangeText, today } from "./period";
import type { Period } from "./types";

const PRESETS = [1, 7, 30, 90];

export function RangePicker({ period, maxDays, onChange }: { period: Period; maxDays: number; onChange: (p: Period) => void }) {
  const [since, setSince] = useState(period.since);
  const [until, setUntil] = useState(period.until);
  const [problem, setProblem] = useState("");
  useEffect(() => {
    setSince(period.since);
    setUntil(period.until);
  }, [period.since, period.until]);
  const apply = (e: Event) => {
    e.preventDefault();
    const p = { since, until };
    if (!since || !until || since > until) return setProblem(t("The first day must come before the last."));
    if (daysIn(p) > maxDays) return setProblem(t("A report covers at most %(n)s days.", { n: num(maxDays) }));
    setProblem("");
    onChange(p);
  };
  return (
    <form class="range" onSubmit={apply} aria-label={t("Period")}>
      <div class="presets" role="group" aria-label={t("Quick periods")}>
        {PRESETS.map((n) => {
          const p = lastDays(n);
          const on = p.since === period.since && p.until === period.until;
          return (
            <button key={n} type="button" class={on ? "chip chip-on" : "chip"} aria-pressed={on} onClick={() => onChange(p)}>
              {n === 1 ? t("Today") : t("Last %(n)s days", { n: num(n) })}
            </button>
          );
        })}
      </div>
      <div class="dates">
        <label>
          {t("First day")}
          <input type="date" name="since" value={since} max={today()} required onInput={(e) => setSince(e.currentTarget.value)} />
        </label>
        <label>
          {t("Last day")}
          <input type="date" name="until" value={until} max={today()} required onInput={(e) => setUntil(e.currentTarget.value)} />
        </label>
        <button type="submit" class="button">{t("Show")}</button>
      </div>
      <p class="range-text muted" id="range-text">{rangeText(period)}</p>
      {problem && <p class="error" role="alert">{problem}</p>}
    </form>
  );
}
