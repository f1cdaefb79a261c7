/** Snooze until a day and time the agent picks, both written the way the workspace's language writes dates (a
 * native date/time input follows the browser's locale instead, so "12/04/2026" could show in a Chinese workspace). */
import { useState } from "preact/hooks";
import { lang, t } from "../../shared/i18n";

const DAYS = 14;
const day = new Intl.DateTimeFormat(lang, { weekday: "short", month: "short", day: "numeric" });
const clock = new Intl.DateTimeFormat(lang, { hour: "numeric", minute: "2-digit" });
const full = new Intl.DateTimeFormat(lang, { dateStyle: "full", timeStyle: "short" });
const relative = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });

function midnight(offset: number): Date {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() + offset);
  return d;
}

function dayLabel(offset: number): string {
  const date = day.format(midnight(offset));
  if (offset > 1) return date;
  const word = relative.format(offset, "day"); // "today", "tomorrow" in the page's language
  return `${word.charAt(0).toLocaleUpperCase(lang)}${word.slice(1)} (${date})`;
}

/** Half hours of a day as minutes after midnight, labelled in the page's language ("9:30 AM", "09:30"). */
const SLOTS = Array.from({ length: 48 }, (_, i) => i * 30);
const slotLabel = (minutes: number) => clock.format(new Date(2000, 0, 1, Math.floor(minutes / 60), minutes % 60));

export function SnoozeAt({ onPick }: { onPick: (iso: string) => void }) {
  const [offset, setOffset] = useState(1);
  const [minutes, setMinutes] = useState(9 * 60);
  const when = midnight(offset);
  when.setMinutes(minutes);
  const past = when.getTime() <= Date.now();
  return (
    <fieldset class="snooze-at">
      <legend>{t("Or remind me on")}</legend>
      <label>
        <span class="visually-hidden">{t("Reminder day")}</span>
        <select id="snooze-day" value={String(offset)} onChange={(e) => setOffset(Number(e.currentTarget.value))}>
          {Array.from({ length: DAYS }, (_, i) => (
            <option key={i} value={String(i)}>
              {dayLabel(i)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span class="visually-hidden">{t("Reminder time")}</span>
        <select id="snooze-time" value={String(minutes)} onChange={(e) => setMinutes(Number(e.currentTarget.value))}>
          {SLOTS.map((m) => (
            <option key={m} value={String(m)}>
              {slotLabel(m)}
            </option>
          ))}
        </select>
      </label>
      <button type="button" id="snooze-at" class="secondary" disabled={past} onClick={() => onPick(when.toISOString())}>
        {t("Snooze until then")}
      </button>
      <output id="snooze-when" class={past ? "error" : "muted"} aria-live="polite">
        {past ? t("That time has passed.") : full.format(when)}
      </output>
    </fieldset>
  );
}
