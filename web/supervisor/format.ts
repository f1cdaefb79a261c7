/** Numbers, shares, durations and dates in the page's language (Intl), never assembled by hand in English. */
import { lang } from "../shared/i18n";

const numbers = new Intl.NumberFormat(lang);
const percent = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });

export const num = (n: number): string => numbers.format(n);
export const share = (x: number | null | undefined): string => (x === null || x === undefined ? "—" : percent.format(x));
export const decimal = (x: number | null | undefined): string => (x === null || x === undefined ? "—" : oneDecimal.format(x));

function unit(value: number, u: "second" | "minute" | "hour" | "day", style: "narrow" | "short" = "short"): string {
  return new Intl.NumberFormat(lang, { style: "unit", unit: u, unitDisplay: style, maximumFractionDigits: 1 }).format(value);
}

/** A duration as people say it: "45 s", "12 min", "1 h 5 min", "2 days"; "—" when unknown. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return unit(s, "second");
  const m = Math.floor(s / 60);
  if (m < 60) return unit(m, "minute");
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${unit(h, "hour")} ${unit(m % 60, "minute")}` : unit(h, "hour");
  return unit(Math.round((h / 24) * 10) / 10, "day", "short");
}

/** A short duration for chart values: one unit, one decimal ("1.5 h"). */
export function shortDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) return unit(Math.round(seconds), "second");
  if (seconds < 3600) return unit(Math.round(seconds / 6) / 10, "minute");
  if (seconds < 86400) return unit(Math.round(seconds / 360) / 10, "hour");
  return unit(Math.round(seconds / 8640) / 10, "day");
}

const clock = new Intl.DateTimeFormat(lang, { timeStyle: "medium" });
export const timeOfDay = (iso: string): string => clock.format(new Date(iso));

/** A calendar day (YYYY-MM-DD, UTC) in the locale's format: "Nov 24" / "11月24日"; with the year if asked. */
export function day(isoDay: string, withYear = false): string {
  const [y, m, d] = isoDay.split("-").map(Number);
  const when = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
  const opts: Intl.DateTimeFormatOptions = { month: "short", day: "numeric", timeZone: "UTC" };
  if (withYear) opts.year = "numeric";
  return new Intl.DateTimeFormat(lang, opts).format(when);
}
