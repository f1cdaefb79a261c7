/** Times as people read them: local date and time, "3 min ago", and SLA countdowns. */
import { formatRelative, lang, t } from "../shared/i18n";

const stamp = new Intl.DateTimeFormat(lang, { dateStyle: "short", timeStyle: "short" });
const clock = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" });

export function localTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const when = new Date(iso);
  return Number.isNaN(when.getTime()) ? "" : stamp.format(when);
}

/** "now" and "3 min ago" within the hour, "14:05" today, the short date otherwise (the list's clock ticks). */
export function shortTime(iso: string | null | undefined, now: number): string {
  if (!iso) return "";
  const when = new Date(iso);
  const ago = now - when.getTime();
  if (ago < 60_000) return formatRelative(new Date(now), new Date(now)); // "now" (a clock a little ahead too)
  if (ago < 3600_000) return formatRelative(when, new Date(now));
  return ago < 20 * 3600 * 1000 ? clock.format(when) : stamp.format(when).split(/[ ,]/)[0] ?? "";
}

/** "12 min", "2 h 5 min" left (or overdue by). */
export function countdown(ms: number): string {
  const minutes = Math.max(0, Math.round(Math.abs(ms) / 60000));
  const text =
    minutes < 60
      ? t("%(n)s min", { n: minutes })
      : t("%(h)s h %(m)s min", { h: Math.floor(minutes / 60), m: minutes % 60 });
  return ms < 0 ? t("overdue %(time)s", { time: text }) : text;
}
