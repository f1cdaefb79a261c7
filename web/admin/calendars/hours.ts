/** Working spans as the calendar editor holds them: start and end as "HH:MM", checked before anything is sent. */
import { t } from "../../shared/i18n";

export interface Span {
  start: string;
  end: string; // "00:00" in the editor ends the day: sent as "24:00"
}

export const DAYS: [string, string][] = [
  ["mon", "Monday"],
  ["tue", "Tuesday"],
  ["wed", "Wednesday"],
  ["thu", "Thursday"],
  ["fri", "Friday"],
  ["sat", "Saturday"],
  ["sun", "Sunday"],
];

export function spansOf(texts: string[]): Span[] {
  return texts.map((text) => {
    const [start = "", end = ""] = text.split("-").map((part) => part.trim().padStart(5, "0"));
    return { start, end: end === "24:00" ? "00:00" : end };
  });
}

export function textsOf(spans: Span[]): string[] {
  return [...spans]
    .sort((a, b) => a.start.localeCompare(b.start))
    .map(({ start, end }) => `${start}-${end === "00:00" ? "24:00" : end}`);
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const endMinutes = (hhmm: string) => (hhmm === "00:00" ? 24 * 60 : minutes(hhmm));

/** What is wrong with a day's spans, in the admin's language; "" when nothing is. */
export function dayProblem(spans: Span[]): string {
  if (spans.some((s) => !/^\d\d:\d\d$/.test(s.start) || !/^\d\d:\d\d$/.test(s.end)))
    return t("Enter a start and an end time for every span.");
  if (spans.some((s) => endMinutes(s.end) <= minutes(s.start)))
    return t("A span must end after it starts. For a night shift, end at midnight and go on the next day.");
  const sorted = [...spans].sort((a, b) => minutes(a.start) - minutes(b.start));
  for (const [i, span] of sorted.entries()) {
    const previous = sorted[i - 1];
    if (previous && minutes(span.start) < endMinutes(previous.end)) return t("These spans overlap.");
  }
  return "";
}

export function sameTexts(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The IANA time zone names the browser knows, for the searchable picker. */
export function timeZones(): string[] {
  const known = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.("timeZone") ?? [];
  return known.includes("UTC") ? known : ["UTC", ...known];
}
