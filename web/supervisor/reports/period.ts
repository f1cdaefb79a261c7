/** The report's period: read from and kept in the address (so a reload or a shared link shows the same),
 *  presets counted back from today (UTC days, as the server counts them). */
import { lang } from "../../shared/i18n";
import type { Period } from "./types";

const DAY_MS = 86_400_000;

export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);
export const today = (): string => isoDay(new Date());

export function lastDays(n: number): Period {
  const end = Date.parse(`${today()}T00:00:00Z`);
  return { since: isoDay(new Date(end - (n - 1) * DAY_MS)), until: today() };
}

export function daysIn(p: Period): number {
  return Math.round((Date.parse(`${p.until}T00:00:00Z`) - Date.parse(`${p.since}T00:00:00Z`)) / DAY_MS) + 1;
}

const valid = (s: string | null): s is string => !!s && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));

export function fromAddress(): Period {
  const q = new URLSearchParams(window.location.search);
  const since = q.get("since");
  const until = q.get("until");
  if (valid(since) && valid(until) && since <= until) return { since, until };
  const days = Number(q.get("days"));
  return lastDays(Number.isInteger(days) && days >= 1 && days <= 92 ? days : 7);
}

export function toAddress(p: Period): void {
  const url = new URL(window.location.href);
  url.searchParams.delete("days");
  url.searchParams.set("since", p.since);
  url.searchParams.set("until", p.until);
  window.history.replaceState(null, "", url);
}

export const query = (p: Period): string => `since=${p.since}&until=${p.until}`;

/** "Nov 18 – 24, 2026" / "2026年11月18日至24日": the locale's own way of writing a range. */
export function rangeText(p: Period): string {
  const f = new Intl.DateTimeFormat(lang, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
  const a = new Date(`${p.since}T00:00:00Z`);
  const b = new Date(`${p.until}T00:00:00Z`);
  return p.since === p.until ? f.format(a) : f.formatRange(a, b);
}
